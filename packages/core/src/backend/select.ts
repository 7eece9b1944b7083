import type { RefValue } from '../config/ref.js';
import { BackendUnavailableError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { tf } from '../tf.js';
import type { Backend } from './backend.js';
import { backendRequest } from './request.js';

export interface SelectedBackend {
  /** Plugin name (`tensorflow`, `wasm`, `cpu`, or a user's). */
  name: string;
  backend: Backend;
  /** Why this one: the reasons the better ones were passed over. */
  reason: string;
}

/**
 * Activates the backend `request` names, or with `auto` the available one of
 * highest priority, and says why. `request` is a name or a config's
 * `backend:` reference (`{ name: 'wasm', options: { threads: 2 } }`; see
 * `backendRequest` for `auto`'s options); `options` gives more options by
 * backend name. An unavailable explicit request is an error
 * (`E_BACKEND_UNAVAILABLE`) that says why and how to install it, never a
 * fallback; `auto` logs what it skipped and why.
 */
export async function selectBackend(
  registry: Registry,
  request: RefValue = 'auto',
  options: Record<string, Record<string, unknown>> = {},
): Promise<SelectedBackend> {
  const { name: requested, optionsByName } = backendRequest(request);
  const byName = { ...options, ...optionsByName };
  const make = (name: string) =>
    registry.create(
      'backend',
      name,
      byName[name],
      requested === 'auto' ? `backend.options.${name}` : 'backend',
    ) as Backend;

  if (requested !== 'auto') {
    const backend = make(requested);
    const availability = await backend.probe();
    if (!availability.available) {
      throw new BackendUnavailableError(requested, availability.reason, availability.install);
    }
    await backend.activate();
    const selected = {
      name: requested,
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
