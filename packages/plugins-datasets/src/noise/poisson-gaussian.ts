import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import { clipOption } from './awgn.js';
import { clip01, type NoiseModel } from './noise-model.js';
import { poisson } from './poisson.js';
import { zigguratNormal } from './ziggurat.js';

/**
 * Signal-dependent sensor noise (Foi et al. 2008): y = Poisson(peak·x)/peak
 * + N(0, σ²), so Var[y | x] = x/peak + σ². `peak` is the photon count of a
 * white pixel: lower is noisier.
 */
export const poissonGaussian = definePlugin({
  kind: 'noise',
  name: 'poisson-gaussian',
  description: 'Poisson shot noise (photon count `peak` at white) plus Gaussian read noise σ',
  options: z.object({
    peak: z
      .number()
      .positive()
      .default(30)
      .describe('Photons at intensity 1; Var = x/peak + (σ/255)²'),
    sigma: z.number().min(0).max(255).default(5).describe('Gaussian read noise, [0, 255] scale'),
    clip: clipOption,
  }),
  create: ({ peak, sigma, clip }): NoiseModel => ({
    name: 'poisson-gaussian',
    label: `poisson-gaussian peak=${peak} σ=${sigma}`,
    apply(clean, rng, out = new Float32Array(clean.length)) {
      const std = sigma / 255;
      for (let i = 0; i < clean.length; i++) {
        const x = clean[i]!;
        out[i] = poisson(x > 0 ? x * peak : 0, rng) / peak + std * zigguratNormal(rng);
      }
      return clip ? clip01(out) : out;
    },
  }),
});
