import { BackendUnavailableError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { tf } from '../tf.js';
import type { Backend } from './backend.js';

export interface SelectedBackend {
  /** Plugin name (`tensorflow`, `wasm`, `cpu`, or a user's). */
  name: string;
  backend: Backend;
  /** Why this one: the reasons the better ones were passed over. */
  reason: string;
}

/**
 * Activates the backend called `request`, or with `auto` the available one of
 * highest priority, and says why. An unavailable explicit request is an error
 * that says how to install it; `auto` logs what it skipped.
 */
export async function selectBackend(
  registry: Registry,
  request = 'auto',
  options: Record<string, Record<string, unknown>> = {},
): Promise<SelectedBackend> {
  const make = (name: string) =>
    registry.create('backend', name, options[name], `backend.${name}`) as Backend;

  if (request !== 'auto') {
    const backend = make(request);
    const availability = await backend.probe();
    if (!availability.available) {
      throw new BackendUnavailableError(request, availability.reason, availability.install);
    }
    await backend.activate();
    const selected = {
      name: request,
      backend,
      reason: `requested; ${availability.detail ?? 'available'}`,
    };
    registry.setBackend(selected);
    return selected;
  }

  const candidates = registry
    .list('backend')
    .map((name) => ({ name, backend: make(name) }))
    .sort((a, b) => b.backend.priority - a.backend.priority);
  const skipped: string[] = [];
  for (const { name, backend } of candidates) {
    const availability = await backend.probe();
    if (!availability.available) {
      skipped.push(`${name}: ${availability.reason}`);
      continue;
    }
    await backend.activate();
    const reason = skipped.length
      ? `auto: best available (skipped ${skipped.join('; ')})`
      : 'auto: best available';
    registry.logger.info(`backend: ${name} (${reason})`);
    const selected = { name, backend, reason };
    registry.setBackend(selected);
    return selected;
  }
  throw new BackendUnavailableError(
    'auto',
    `no registered backend can run here (${skipped.join('; ')})`,
  );
}

/** The tfjs backend that is active now. */
export function activeBackend(): string {
  return tf.getBackend();
}
