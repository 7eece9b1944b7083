import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import { deadLeavesOptions, proceduralSampler, proceduralSource } from '../sources/procedural.js';
import { createDenoisingData, type DenoisingData } from './denoising-data.js';
import { commonDenoiseOptions, resolveNoise, seedFrom } from './refs.js';

/**
 * Denoising on generated dead-leaves images: no files, starts instantly, the
 * demo's default. Test images come from `testSeed`, so every run evaluates
 * on the same noisy set.
 */
export const proceduralDenoise = definePlugin({
  kind: 'dataset',
  name: 'procedural-denoise',
  description: 'Denoising on seeded dead-leaves images; needs no files (the demo default)',
  options: z.object({
    channels: z
      .union([z.literal(1), z.literal(3)])
      .default(1)
      .describe('1 (gray) or 3 (RGB)'),
    testImages: z.number().int().min(1).default(4).describe('Number of test images'),
    testSize: z.number().int().min(8).default(96).describe('Side of the square test images'),
    ...deadLeavesOptions,
    ...commonDenoiseOptions,
  }),
  create: (o, ctx): DenoisingData => {
    const at = (key: string) => `${ctx.path}.options.${key}`;
    const noise = resolveNoise(
      ctx,
      o.noise ?? { name: 'awgn', options: { sigma: o.sigma } },
      at('noise'),
    );
    const testNoise = o.testNoise ? resolveNoise(ctx, o.testNoise, at('testNoise')) : noise;
    const shapes = {
      rMin: o.rMin,
      rMax: o.rMax,
      alpha: o.alpha,
      texture: o.texture,
      maxShapes: o.maxShapes,
    };
    const test = proceduralSource({
      ...shapes,
      count: o.testImages,
      height: o.testSize,
      width: o.testSize,
      channels: o.channels,
      seed: o.testSeed,
    });
    return createDenoisingData({
      trainName: 'procedural dead leaves (generated per patch)',
      channels: o.channels,
      patch: o.patch,
      sampler: async () => proceduralSampler({ ...shapes, channels: o.channels }),
      tests: [test],
      noise,
      testNoise,
      seed: seedFrom(ctx, o.seed, 'train'),
      testSeed: o.testSeed,
      prefetch: o.prefetch,
      cache: true,
    });
  },
});
