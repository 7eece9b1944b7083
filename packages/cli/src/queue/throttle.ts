/** Minimum time between two reports of the same connection trouble. */
const QUIET_MS = 30_000;

/**
 * An `error` listener for a BullMQ queue or worker: while Redis is away the
 * client retries and errors repeat every few seconds; say the first, then at
 * most one every 30 s. (Without a listener, an `error` event would end the process.)
 */
export function throttledErrors(
  what: string,
  log: (line: string) => void,
  now: () => number = Date.now,
): (err: Error) => void {
  let last = Number.NEGATIVE_INFINITY;
  let quiet = 0;
  return (err) => {
    const t = now();
    if (t - last < QUIET_MS) {
      quiet++;
      return;
    }
    const more = quiet ? ` (${quiet} more since the last report)` : '';
    log(`warning: ${what}: ${err.message}${more}; retrying`);
    last = t;
    quiet = 0;
  };
}
