import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Kind } from '../plugin.js';
import type { Registry } from '../registry/registry.js';
import { getPath, setPath } from './dotted-path.js';
import { asRef, type FileTag, type RefValue } from './ref.js';
import { refKinds } from './schema.js';
import { walkOptions } from './walk-options.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Called for every path option anywhere in a config's plugin references. */
type FileHook = (tag: FileTag, value: string, path: string) => string;

/**
 * Applies `hook` to every path option of one plugin reference and of the
 * references nested in its options (a dataset's noise model, a student's
 * neuron …), returning the reference with the hook's replacements. Unknown
 * plugins are left alone: `check` reports them.
 */
function mapRefFiles(
  registry: Registry,
  kind: Kind,
  value: unknown,
  path: string,
  hook: FileHook,
): unknown {
  const isRef = typeof value === 'string' || (isObject(value) && typeof value.name === 'string');
  if (!isRef) return value;
  const { name, options } = asRef(value as RefValue);
  if (!registry.has(kind, name) || options === undefined) return value;
  const schema = registry.get(kind, name).options;
  const mapped = walkOptions(schema, options, `${path}.options`, {
    file: (tag, file, at) => hook(tag, file, at),
    ref: (tag, nested, at) => mapRefFiles(registry, tag.kind, nested, at, hook),
  });
  return { ...(value as Json), options: mapped };
}

/** Applies `hook` to every path in a config (as plain data): plugin path options and model weights. */
function mapConfigFiles(registry: Registry, config: unknown, hook: FileHook): unknown {
  if (!isObject(config)) return config;
  const out: Json = { ...config };
  for (const [field, kind] of Object.entries(refKinds)) {
    const value = out[field];
    if (Array.isArray(value))
      out[field] = value.map((v, i) => mapRefFiles(registry, kind, v, `${field}.${i}`, hook));
    else if (value !== undefined) out[field] = mapRefFiles(registry, kind, value, field, hook);
  }
  for (const field of ['student', 'teacher']) {
    const model = out[field];
    if (isObject(model) && typeof model.weights === 'string')
      out[field] = {
        ...model,
        weights: hook({ type: 'file' }, model.weights, `${field}.weights`),
      };
  }
  return out;
}

const isNameIn =
  (registry: Registry) =>
  (tag: FileTag, value: string): boolean =>
    tag.isName?.(value, (kind, name) => registry.has(kind, name)) ?? false;

/** A hook that applies `toPath` to every path option, leaving preset names (`Set12`) as they are. */
function pathHook(registry: Registry, toPath: (path: string) => string): FileHook {
  const isName = isNameIn(registry);
  return (tag, value) => (isName(tag, value) ? value : toPath(value));
}

/**
 * Applies `toPath` to every path of a config: plugin path options, model
 * weights, `output`, and plugin packages given as paths (names stay names).
 */
function mapPaths(registry: Registry, config: Json, toPath: (path: string) => string): Json {
  const out = mapConfigFiles(registry, config, pathHook(registry, toPath)) as Json;
  if (typeof out.output === 'string') out.output = toPath(out.output);
  if (Array.isArray(out.plugins))
    out.plugins = out.plugins.map((p) =>
      typeof p === 'string' && (isAbsolute(p) || p.startsWith('.')) ? toPath(p) : p,
    );
  return out;
}

/**
 * Resolves every relative path written in a config file (weights, data
 * folders, output, plugin files like ./plugin.js, also inside swept values)
 * against the file's folder, so a config works from any working directory.
 */
export function resolveConfigPaths(registry: Registry, raw: unknown, baseDir: string): unknown {
  if (!isObject(raw)) return raw;
  const toPath = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const out = mapPaths(registry, raw, toPath);
  if (isObject(out.ablate)) {
    // A swept value is resolved where it lands in the config.
    const hook = pathHook(registry, toPath);
    const ablate: Json = {};
    for (const [axis, values] of Object.entries(out.ablate)) {
      ablate[axis] = Array.isArray(values)
        ? values.map((v) => {
            try {
              return getPath(mapConfigFiles(registry, setPath(out, axis, v), hook), axis);
            } catch {
              return v; // a bad axis path is reported by the expansion
            }
          })
        : values;
    }
    out.ablate = ablate;
  }
  return out;
}

/**
 * The inverse of `resolveConfigPaths` for a run folder's `config.json`: every
 * path (resolved against the working directory first) written relative to
 * `baseDir`, always starting with `./` or `../`. A run folder then names no
 * path of the machine it ran on, and a copy of the project elsewhere (a fresh
 * clone, the same folder layout) reads the same config — so `--resume` there
 * recognises its finished runs. Reading it back: `resolveConfigPaths(…, baseDir)`.
 */
export function relativeConfigPaths(registry: Registry, config: unknown, baseDir: string): unknown {
  if (!isObject(config)) return config;
  return mapPaths(registry, config, (path) => {
    const rel = relative(baseDir, resolve(path)) || '.';
    return rel.startsWith('..') || rel === '.' ? rel : `./${rel}`;
  });
}

/** Every path in the config that does not exist, as `path: 'file' (what it must be)`. */
export function missingConfigFiles(registry: Registry, config: unknown): string[] {
  const missing: string[] = [];
  const isName = isNameIn(registry);
  mapConfigFiles(registry, config, (tag, value, path) => {
    if (isName(tag, value)) return value;
    const stat = existsSync(value) ? statSync(value) : undefined;
    const ok =
      stat &&
      (tag.type === 'file-or-folder' ||
        (tag.type === 'folder' ? stat.isDirectory() : stat.isFile()));
    if (!ok)
      missing.push(
        `${path}: '${value}' is not ${stat ? 'a' : 'an existing'} ${tag.type.replaceAll('-', ' ')}`,
      );
    return value;
  });
  return missing;
}

/** Throws one error naming every missing file or folder of the config. */
export function checkConfigFiles(registry: Registry, config: unknown): void {
  const missing = missingConfigFiles(registry, config);
  if (missing.length)
    throw new ConfigError(`The config names paths that do not exist: ${missing.join('; ')}`);
}
