import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import { clipOption } from './awgn.js';
import { addGaussian, clip01, type NoiseModel } from './noise-model.js';

/**
 * AWGN whose σ is drawn uniformly per image (per patch in training), for
 * blind denoisers such as DnCNN-B (σ ∈ [0, 55]).
 */
export const awgnBlind = definePlugin({
  kind: 'noise',
  name: 'awgn-blind',
  description: 'AWGN with σ drawn uniformly from [min, max] for every image (blind denoising)',
  options: z
    .object({
      min: z.number().min(0).max(255).default(0).describe('Smallest σ, [0, 255] scale'),
      max: z.number().min(0).max(255).default(55).describe('Largest σ, [0, 255] scale'),
      clip: clipOption,
    })
    .refine((o) => o.min <= o.max, { message: 'min must not exceed max', path: ['min'] }),
  create: ({ min, max, clip }): NoiseModel => ({
    name: 'awgn-blind',
    label: `awgn σ∈[${min},${max}]`,
    apply(clean, rng, out = new Float32Array(clean.length)) {
      const sigma = min + (max - min) * rng.uniform();
      addGaussian(clean, sigma / 255, rng, out);
      return clip ? clip01(out) : out;
    },
  }),
});
