import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type PluginPackage, type Registry, SpikedistillError } from '@spikedistill/core';

const isPath = (spec: string) => spec.startsWith('.') || isAbsolute(spec);

/**
 * Loads third-party plugin packages named in a config (`plugins:`) or with
 * `--plugin`: a path (relative to `baseDir`) or a package name resolved from
 * `baseDir` as Node would; each must export `register(registry)`. Errors
 * name the spec, where it was looked for, and what is missing.
 */
export async function loadPluginPackages(
  specs: readonly string[],
  baseDir: string,
): Promise<PluginPackage[]> {
  const out: PluginPackage[] = [];
  for (const spec of specs) {
    let file: string;
    try {
      file = isPath(spec)
        ? resolve(baseDir, spec)
        : createRequire(join(resolve(baseDir), 'noop.js')).resolve(spec);
    } catch (err) {
      throw new SpikedistillError(
        'E_PLUGIN_LOAD',
        `plugin package '${spec}' cannot be found from ${baseDir} (${(err as Error).message.split('\n')[0]}); install it there or give its path`,
      );
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      throw new SpikedistillError(
        'E_PLUGIN_LOAD',
        `plugin package '${spec}' (${file}) failed to load: ${(err as Error).message}`,
      );
    }
    const entry = (mod.register ? mod : (mod.default as Record<string, unknown> | undefined)) ?? {};
    if (typeof entry.register !== 'function') {
      throw new SpikedistillError(
        'E_PLUGIN_LOAD',
        `plugin package '${spec}' (${file}) has no register(registry) export; it exports: ${Object.keys(mod).join(', ') || '(nothing)'}`,
      );
    }
    const register = entry.register as (registry: Registry) => void;
    out.push({ name: typeof entry.packageName === 'string' ? entry.packageName : spec, register });
  }
  return out;
}
