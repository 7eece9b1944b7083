import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Encoder } from '../kinds.js';
import { checkTimesteps } from './timesteps.js';

/**
 * Direct encoding: the analog input repeated at every step, [N, …] →
 * [T, N, …]; the first layer's neurons do the encoding. Differentiable.
 */
export const directEncoder = definePlugin({
  kind: 'encoder',
  name: 'direct',
  description: 'Repeats the analog input at each of the T steps',
  options: z.object({}),
  create: (): Encoder => ({
    name: 'direct',
    encode: (x, timesteps) => {
      checkTimesteps('direct', timesteps);
      return tf.tidy(() => tf.tile(tf.expandDims(x, 0), [timesteps, ...x.shape.map(() => 1)]));
    },
  }),
});
