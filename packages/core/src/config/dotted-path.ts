import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Path segments that would reach an object's prototype instead of a config field. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function checkSegments(path: string, keys: readonly string[]): void {
  if (keys.some((k) => k === '')) throw new ConfigError(`Bad config path '${path}': empty segment`);
  const bad = keys.find((k) => FORBIDDEN.has(k));
  if (bad) throw new ConfigError(`Bad config path '${path}': '${bad}' is not a config field`);
}

/** Refuses data (as parsed from a file) that has `__proto__`, `constructor` or `prototype` keys anywhere. */
export function checkNoForbiddenKeys(data: unknown, path = ''): void {
  if (Array.isArray(data)) {
    for (const [i, v] of data.entries()) checkNoForbiddenKeys(v, path ? `${path}.${i}` : String(i));
  } else if (isObject(data)) {
    for (const [k, v] of Object.entries(data)) {
      const at = path ? `${path}.${k}` : k;
      if (FORBIDDEN.has(k)) throw new ConfigError(`${at}: '${k}' is not allowed as a config key`);
      checkNoForbiddenKeys(v, at);
    }
  }
}

/** Reads `a.b.0.c` from plain data; undefined when any step is missing. */
export function getPath(data: unknown, path: string): unknown {
  let node: unknown = data;
  for (const key of path.split('.')) {
    if (FORBIDDEN.has(key)) return undefined;
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/** The keys of a plugin reference's object form, which its string form (`lif`) abbreviates. */
const REF_KEYS = new Set(['name', 'options']);

/**
 * Returns a copy of `data` with `path` set to `value`, creating missing
 * objects on the way (so `student.options.timesteps` works when the config
 * left `options` out). Numeric keys index existing arrays. A plugin
 * reference written as a name is read as `{ name }` when the path goes on
 * into it (`backend.options.threads` where the config says `backend: wasm`).
 */
export function setPath<T>(data: T, path: string, value: unknown): T {
  const keys = path.split('.');
  checkSegments(path, keys);
  const root = structuredClone(data) as unknown;
  let node = root;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    const intoRef = !last && REF_KEYS.has(keys[i + 1]!);
    const asObject = (child: unknown) =>
      intoRef && typeof child === 'string' ? { name: child } : child;
    if (Array.isArray(node)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= node.length) {
        throw new ConfigError(
          `Bad config path '${path}': '${keys.slice(0, i).join('.')}' is a list of ${node.length}, '${key}' is not an index of it`,
        );
      }
      if (last) node[index] = value;
      else {
        node[index] = asObject(node[index]);
        node = node[index];
      }
    } else if (isObject(node)) {
      if (last) node[key] = value;
      else {
        node[key] = Object.hasOwn(node, key) ? asObject(node[key]) : {};
        node = node[key];
      }
    } else {
      throw new ConfigError(
        `Bad config path '${path}': '${keys.slice(0, i).join('.')}' is ${JSON.stringify(node)}, not an object`,
      );
    }
  });
  return root as T;
}

/**
 * Applies `path=value` overrides (as given to `--set`). Values are read as
 * YAML scalars/flow collections: `2` is a number, `true` a boolean,
 * `[1, 2]` a list, `lif` a string.
 */
export function applyOverrides<T>(data: T, overrides: readonly string[]): T {
  let out = data;
  for (const item of overrides) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(`Bad override '${item}': expected path=value, e.g. train.steps=200`);
    const path = item.slice(0, eq).trim();
    let value: unknown;
    try {
      value = parseYaml(item.slice(eq + 1));
    } catch (err) {
      throw new ConfigError(
        `Bad override '${item}': value is not valid YAML (${(err as Error).message})`,
      );
    }
    out = setPath(out, path, value ?? null);
  }
  return out;
}
