import { definePlugin, filePath } from '@spikedistill/core';
import { z } from 'zod';
import { toChannels } from '../image/color.js';
import { resizeImage } from '../image/resize.js';
import { poolSampler } from '../sampler/patch-sampler.js';
import { loadAll } from '../sources/image-source.js';
import { createDenoisingData, type DenoisingData } from './denoising-data.js';
import { commonDenoiseOptions, resolveNoise, resolveSource, seedFrom, sourceRef } from './refs.js';

/**
 * Denoising from image files: random augmented patches of the training set
 * with fresh noise every batch, and full-size test sets with a fixed,
 * seeded noisy copy. The training images are decoded once, on first use.
 */
export const folderDenoise = definePlugin({
  kind: 'dataset',
  name: 'folder-denoise',
  description: 'Denoising on image folders or presets (Train400 → Set12, BSD68 by default)',
  options: z.object({
    train: sourceRef
      .default('Train400')
      .describe('Training images: preset name, folder path or { name, options }'),
    test: z.array(sourceRef).default(['Set12', 'BSD68']).describe('Test sets, evaluated full size'),
    channels: z
      .union([z.literal('auto'), z.literal(1), z.literal(3)])
      .default('auto')
      .describe("1 (gray) or 3 (RGB); 'auto' follows the training images"),
    augment: z.boolean().default(true).describe('Random flips and 90° rotations (8-fold)'),
    scales: z
      .array(z.number().positive().max(4))
      .min(1)
      .default([1])
      .describe(
        'Training images are also used resized by these factors (bicubic); DnCNN uses [1, 0.9, 0.8, 0.7]',
      ),
    root: filePath('folder').optional().describe('Data root for the presets'),
    cache: z.boolean().default(true).describe('Keep decoded test images between evaluations'),
    ...commonDenoiseOptions,
  }),
  create: (o, ctx): DenoisingData => {
    const at = (key: string) => `${ctx.path}.options.${key}`;
    const train = resolveSource(ctx, o.train, at('train'), o.root);
    const tests = o.test.map((ref, i) => resolveSource(ctx, ref, at(`test[${i}]`), o.root));
    const channels = o.channels === 'auto' ? train.channels : o.channels;
    const noiseRef = o.noise ?? { name: 'awgn', options: { sigma: o.sigma } };
    const noise = resolveNoise(ctx, noiseRef, at('noise'));
    const testNoise = o.testNoise ? resolveNoise(ctx, o.testNoise, at('testNoise')) : noise;
    const sampler = () =>
      loadAll(train).then((images) => {
        const base = images.map((im) => toChannels(im, channels));
        poolSampler(base, { augment: o.augment }).check(o.patch);
        // Scaled copies too small for a patch are left out rather than failing.
        const scaled = o.scales.flatMap((s) => base.map((im) => resizeImage(im, s)));
        return poolSampler(
          scaled.filter((im) => im.height >= o.patch && im.width >= o.patch),
          { augment: o.augment },
        );
      });
    return createDenoisingData({
      trainName: train.location ? `${train.name} (${train.location})` : train.name,
      channels,
      patch: o.patch,
      sampler,
      tests,
      noise,
      testNoise,
      seed: seedFrom(ctx, o.seed, 'train'),
      testSeed: o.testSeed,
      prefetch: o.prefetch,
      cache: o.cache,
    });
  },
});
