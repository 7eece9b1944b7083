import { asRef, type RefValue } from '../config/ref.js';
import { BadOptionsError } from '../errors.js';
import type { Registry } from '../registry/registry.js';

/**
 * What `selectBackend` is asked for: a backend plugin's name or `auto`, and
 * the options of each backend it may create, by name.
 */
export interface BackendRequest {
  name: string;
  optionsByName: Record<string, Record<string, unknown>>;
}

const isOptions = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A config's `backend:` as a request. A named backend's options are its own
 * (`{ name: wasm, options: { threads: 2 } }`); `auto` is not a plugin, so its
 * options are those of the backends it may choose, by name
 * (`{ name: auto, options: { wasm: { threads: 2 } } }`).
 */
export function backendRequest(ref: RefValue): BackendRequest {
  const { name, options } = asRef(ref);
  if (name !== 'auto') return { name, optionsByName: options ? { [name]: options } : {} };
  const optionsByName: Record<string, Record<string, unknown>> = {};
  for (const [backend, value] of Object.entries(options ?? {})) {
    if (!isOptions(value))
      throw new BadOptionsError(
        `backend.options.${backend}`,
        `'auto' takes the options of each backend it may choose, by name (e.g. { wasm: { threads: 2 } }); got ${JSON.stringify(value)}`,
      );
    optionsByName[backend] = value;
  }
  return { name, optionsByName };
}

/**
 * The backend reference after a `--backend <name>` flag: the flag's backend,
 * keeping the config's options where they belong to it. Asking for the
 * backend the config names keeps its options; asking for `auto` keeps them
 * for that backend, should auto choose it; another backend starts from its
 * defaults. Works on a config as written (not yet validated) too.
 */
export function overrideBackend(ref: RefValue, flag: string | undefined): RefValue;
export function overrideBackend(ref: unknown, flag: string | undefined): unknown;
export function overrideBackend(ref: unknown, flag: string | undefined): unknown {
  if (flag === undefined) return ref;
  const isRef = typeof ref === 'string' || (isOptions(ref) && typeof ref.name === 'string');
  if (!isRef) return flag;
  const { name, options } = asRef(ref as RefValue);
  if (name === flag) return ref;
  if (flag === 'auto' && name !== 'auto' && options !== undefined)
    return { name: 'auto', options: { [name]: options } };
  return flag;
}

/**
 * Validates a config's backend reference as `check` does any plugin's: the
 * name is registered (or `auto`), its options valid, strictly. Errors carry
 * the config path (`backend.options`). Says nothing about whether the backend
 * can run here: a config may be checked on another machine than it runs on.
 */
export function checkBackendRef(registry: Registry, ref: RefValue, path = 'backend'): void {
  const { name, optionsByName } = backendRequest(ref);
  if (name !== 'auto') {
    registry.parseOptions('backend', name, optionsByName[name], path);
    return;
  }
  for (const [backend, options] of Object.entries(optionsByName))
    registry.parseOptions('backend', backend, options, `${path}.options.${backend}`);
}
