import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import { addGaussian, clip01, type NoiseModel } from './noise-model.js';

export const clipOption = z
  .boolean()
  .default(false)
  .describe('Clip the noisy image to [0, 1] (DnCNN-style benchmarks do not)');

/** Additive white Gaussian noise of fixed σ, the standard denoising benchmark degradation. */
export const awgn = definePlugin({
  kind: 'noise',
  name: 'awgn',
  description: 'Additive white Gaussian noise, fixed σ on the [0, 255] scale',
  options: z.object({
    sigma: z
      .number()
      .min(0)
      .max(255)
      .default(25)
      .describe('Standard deviation on the [0, 255] scale'),
    clip: clipOption,
  }),
  create: ({ sigma, clip }): NoiseModel => ({
    name: 'awgn',
    label: `awgn σ=${sigma}`,
    apply(clean, rng, out = new Float32Array(clean.length)) {
      addGaussian(clean, sigma / 255, rng, out);
      return clip ? clip01(out) : out;
    },
  }),
});
