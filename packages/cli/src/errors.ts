import { SpikedistillError } from '@spikedistill/core';
import { CommanderError } from 'commander';

/** File-system failures a user can act on (full disk, permissions, missing folders). */
const IO_CODES = new Set([
  'ENOSPC',
  'EACCES',
  'EPERM',
  'ENOENT',
  'EROFS',
  'EISDIR',
  'ENOTDIR',
  'EMFILE',
  'EEXIST',
  'EDQUOT',
  'EFBIG',
]);

/**
 * The `code` and message a failure is reported with. Errors the toolkit
 * raises carry their own code; usage mistakes E_USAGE; file-system errors become E_IO, allocation
 * failures E_MEMORY, anything else E_INTERNAL (a bug: --debug shows where).
 */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof SpikedistillError) return { code: err.code, message: err.message };
  // An unknown command or option, a missing argument: the parser's message without its "error: ".
  if (err instanceof CommanderError)
    return { code: 'E_USAGE', message: `${err.message.replace(/^error: /, '')} (see --help)` };
  const e = err as NodeJS.ErrnoException | undefined;
  const message = e?.message ?? String(err);
  if (e?.code && IO_CODES.has(e.code)) return { code: 'E_IO', message };
  if (err instanceof RangeError && /allocation|array length|memory/i.test(message))
    return { code: 'E_MEMORY', message: `out of memory: ${message}` };
  return {
    code: 'E_INTERNAL',
    message: `${message} (an unexpected error: rerun with --debug for the stack)`,
  };
}
