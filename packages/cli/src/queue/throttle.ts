/** Minimum time between two reports of the same connection trouble. */
const QUIET_MS = 30_000;

/**
 * An `error` listener for a BullMQ queue or worker: while Redis is away the
 * client retries and the same error repeats every few seconds; say each
 * error the first time, then at most once every 30 s (a different error is
 * said at once). Without a listener, an `error` event would end the process.
 */
export function throttledErrors(
  what: string,
  log: (line: string) => void,
  now: () => number = Date.now,
): (err: Error) => void {
  const seen = new Map<string, { last: number; quiet: number }>();
  return (err) => {
    const t = now();
    const entry = seen.get(err.message);
    if (entry && t - entry.last < QUIET_MS) {
      entry.quiet++;
      return;
    }
    const more = entry?.quiet ? ` (${entry.quiet} more since the last report)` : '';
    log(`warning: ${what}: ${err.message}${more}; retrying`);
    seen.set(err.message, { last: t, quiet: 0 });
  };
}
