import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FromChild, Outcome, Progress, ToChild, VariantTask } from './task.js';

export interface ChildHooks {
  onLog: (line: string) => void;
  onProgress?: (progress: Progress) => void;
  /** Aborting asks the run to stop with a checkpoint; its outcome is then `stopped`. */
  signal?: AbortSignal;
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
/** Lines of a child's own output kept to explain a crash. */
const TAIL = 20;

/**
 * Trains one variant in a fresh Node process (`child.ts`): its own tfjs
 * engine and backend, its own memory, and a crash (out of memory, a wasm
 * abort) that ends the variant, not its parent. Resolves with the outcome;
 * a process that ends without one is a failure that quotes its last output.
 */
export function runInChild(task: VariantTask, hooks: ChildHooks): Promise<Outcome> {
  const child = fork(CHILD, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const tail: string[] = [];
  const forward = (stream: Readable | null) => {
    if (!stream) return;
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL) tail.shift();
      hooks.onLog(line);
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const stop = () => {
    if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
  };
  hooks.signal?.addEventListener('abort', stop, { once: true });
  return new Promise<Outcome>((resolve) => {
    let outcome: Outcome | undefined;
    child.on('message', (message: FromChild) => {
      // One line per call: a multi-line message (a table) gets a prefix on each line.
      if (message.type === 'log') for (const line of message.line.split('\n')) hooks.onLog(line);
      else if (message.type === 'progress') hooks.onProgress?.(message);
      else outcome = message;
    });
    child.on('error', (err) => {
      outcome ??= { type: 'failed', code: 'E_INTERNAL', message: `cannot start: ${err.message}` };
    });
    child.on('close', (code, signal) => {
      hooks.signal?.removeEventListener('abort', stop);
      resolve(
        outcome ?? {
          type: 'failed',
          code: 'E_INTERNAL',
          message: `the training process ended (${signal ? `signal ${signal}` : `exit code ${code}`}) without a result${tail.length ? `; its last output: ${tail.slice(-5).join(' | ')}` : ''}`,
        },
      );
    });
    child.send({ type: 'run', task } satisfies ToChild);
    if (hooks.signal?.aborted) stop();
  });
}
