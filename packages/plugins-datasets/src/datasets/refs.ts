import { existsSync, statSync } from 'node:fs';
import { asRef, type Context, filePath, type RefValue, ref } from '@spikedistill/core';
import { z } from 'zod';
import { DatasetError } from '../errors.js';
import type { NoiseModel } from '../noise/noise-model.js';
import { folderSource } from '../sources/folder.js';
import type { ImageSource } from '../sources/image-source.js';

/** A noise model: its name or `{ name, options }`. */
export const noiseRef = ref('noise');
export type PluginRefOption = RefValue;

/**
 * An image source: a registered `images` plugin name (`BSD68`), a folder
 * path (relative to the config file), or `{ name, options }`.
 */
export const sourceRef = z.union([
  filePath('folder', (value, has) => has('images', value)),
  ref('images'),
]);
export type SourceRef = z.infer<typeof sourceRef>;

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * Resolves a source reference. A bare string is tried as a plugin name
 * first, then as a folder; `root` goes to plugins that take one (the presets).
 */
export function resolveSource(
  ctx: Context,
  ref: SourceRef,
  path: string,
  root: string | undefined,
): ImageSource {
  const { registry } = ctx;
  const name = typeof ref === 'string' ? ref : ref.name;
  const given = typeof ref === 'string' ? {} : (ref.options ?? {});
  if (registry.has('images', name)) {
    const plugin = registry.get('images', name);
    const shape = (plugin.options as { shape?: Record<string, unknown> }).shape;
    const options =
      root !== undefined && shape && 'root' in shape && !('root' in given)
        ? { ...given, root }
        : given;
    return registry.create('images', name, options, path) as ImageSource;
  }
  if (typeof ref === 'string' && isDir(ref)) return folderSource({ dir: ref });
  throw new DatasetError(
    `${path}: '${name}' is neither a registered images plugin (${registry.list('images').join(', ')}) nor an existing folder.`,
  );
}

export function resolveNoise(ctx: Context, noise: PluginRefOption, path: string): NoiseModel {
  const { name, options } = asRef(noise);
  return ctx.registry.create('noise', name, options ?? {}, path) as NoiseModel;
}

/** A seed option, or a number drawn from the plugin's own stream (itself derived from the experiment seed). */
export function seedFrom(ctx: Context, seed: number | undefined, label: string): number {
  return seed ?? Math.floor(ctx.rng.fork(label).uniform() * 2 ** 31);
}

export const commonDenoiseOptions = {
  sigma: z
    .number()
    .min(0)
    .max(255)
    .default(25)
    .describe('AWGN σ on the [0, 255] scale, used when `noise` is not given'),
  noise: noiseRef.optional().describe('Training noise model (default: awgn with `sigma`)'),
  testNoise: noiseRef.optional().describe('Test noise model (default: the training noise)'),
  patch: z
    .number()
    .int()
    .min(2)
    .max(4096)
    .default(48)
    .describe('Training patch side in pixels (square)'),
  seed: z
    .number()
    .int()
    .optional()
    .describe("Seed of the training stream (default: from the experiment's seed)"),
  testSeed: z
    .number()
    .int()
    .default(0)
    .describe(
      'Seed of the test noise; fixed by default so every run and variant sees the same noisy test set',
    ),
  prefetch: z.number().int().min(0).max(64).default(2).describe('Batches prepared ahead of demand'),
};
