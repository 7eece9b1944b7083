import type { Events } from './events.js';

/** Where plugins write what they want a user to see; the default reaches the CLI through `log` events. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** A logger that emits `log` events on `events` (what the CLI prints, by level). */
export function eventLogger(events: Events): Logger {
  return {
    debug: (message) => events.emit('log', { level: 'debug', message }),
    info: (message) => events.emit('log', { level: 'info', message }),
    warn: (message) => events.emit('log', { level: 'warn', message }),
  };
}
