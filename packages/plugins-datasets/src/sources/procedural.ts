import { definePlugin, Rng } from '@spikedistill/core';
import { z } from 'zod';
import type { PatchSampler } from '../sampler/patch-sampler.js';
import { DEAD_LEAVES_DEFAULTS, type DeadLeavesOptions, deadLeaves } from './dead-leaves.js';
import type { ImageSource } from './image-source.js';

/** Dead-leaves parameters as plugin options (shared by `procedural` and `procedural-denoise`). */
export const deadLeavesOptions = {
  rMin: z
    .number()
    .positive()
    .default(DEAD_LEAVES_DEFAULTS.rMin)
    .describe('Smallest shape radius, pixels'),
  rMax: z
    .number()
    .positive()
    .default(DEAD_LEAVES_DEFAULTS.rMax)
    .describe('Largest shape radius, pixels'),
  alpha: z
    .number()
    .min(1)
    .max(5)
    .default(DEAD_LEAVES_DEFAULTS.alpha)
    .describe('Radius density ∝ r^-alpha (3: scale-invariant)'),
  texture: z
    .number()
    .min(0)
    .max(1)
    .default(DEAD_LEAVES_DEFAULTS.texture)
    .describe('In-shape texture amplitude, [0, 1] scale'),
  maxShapes: z
    .number()
    .int()
    .positive()
    .default(DEAD_LEAVES_DEFAULTS.maxShapes)
    .describe('Cap on shapes per image'),
};

type ShapeOptions = Pick<DeadLeavesOptions, 'rMin' | 'rMax' | 'alpha' | 'texture' | 'maxShapes'>;

/** A fixed, seeded set of dead-leaves images: image i is the same for the same seed, whatever else is drawn. */
export function proceduralSource(
  o: ShapeOptions & {
    count: number;
    height: number;
    width: number;
    channels: number;
    seed: number;
    name?: string;
  },
): ImageSource {
  const base = new Rng(o.seed);
  const names = Array.from(
    { length: o.count },
    (_, i) => `dead-leaves-${String(i).padStart(3, '0')}`,
  );
  return {
    name: o.name ?? 'procedural',
    size: o.count,
    channels: o.channels,
    names,
    load: async (index) => {
      if (!(index >= 0 && index < o.count))
        throw new RangeError(`image index ${index} is outside 0..${o.count - 1}`);
      const data = deadLeaves(base.fork(`image:${index}`), { ...o });
      return {
        data,
        height: o.height,
        width: o.width,
        channels: o.channels,
        source: `procedural:${o.seed}:${index}`,
      };
    },
  };
}

/**
 * Training patches generated directly at patch size: dead leaves is
 * stationary and isotropic, so a generated patch has the distribution of a
 * crop of a larger image, without the larger image.
 */
export function proceduralSampler(o: ShapeOptions & { channels: number }): PatchSampler {
  return {
    channels: o.channels,
    fill(rng, out, offset, patch) {
      const view = out.subarray(offset, offset + patch * patch * o.channels);
      deadLeaves(rng, { ...o, height: patch, width: patch }, view);
    },
  };
}

export const procedural = definePlugin({
  kind: 'images',
  name: 'procedural',
  description:
    'Seeded dead-leaves images (occluding shapes with power-law sizes and texture); needs no files',
  options: z.object({
    count: z.number().int().positive().default(8).describe('Number of images'),
    height: z.number().int().positive().default(128),
    width: z.number().int().positive().default(128),
    channels: z.union([z.literal(1), z.literal(3)]).default(3),
    seed: z.number().int().optional().describe("Default: from the experiment's seed"),
    ...deadLeavesOptions,
  }),
  create: (o, ctx): ImageSource =>
    proceduralSource({ ...o, seed: o.seed ?? Math.floor(ctx.rng.uniform() * 2 ** 31) }),
});
