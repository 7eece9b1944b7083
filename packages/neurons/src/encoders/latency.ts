import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Encoder } from '../kinds.js';
import { checkTimesteps } from './timesteps.js';

/**
 * Latency (time-to-first-spike) encoding, linear: each input in [0, 1]
 * spikes once, at step t = round((1 − x)·(T − 1)), so brighter fires
 * earlier; inputs at or below `threshold` never fire. Not differentiable
 * (zero gradient).
 */
export const latencyEncoder = definePlugin({
  kind: 'encoder',
  name: 'latency',
  description: 'One spike per input at step round((1 − x)·(T − 1)); x ≤ threshold stays silent',
  options: z.object({
    threshold: z.number().min(0).max(1).default(0).describe('inputs at or below never spike'),
  }),
  create: ({ threshold }): Encoder => ({
    name: 'latency',
    encode: (x, timesteps) => {
      checkTimesteps('latency', timesteps);
      return tf.tidy(() => {
        const c = tf.clipByValue(x, 0, 1);
        const when = tf.round(tf.mul(tf.sub(1, c), timesteps - 1));
        const fires = tf.cast(tf.greater(c, threshold), 'float32');
        const steps = tf
          .range(0, timesteps, 1, 'float32')
          .reshape([timesteps, ...x.shape.map(() => 1)]);
        return tf.mul(tf.cast(tf.equal(steps, tf.expandDims(when, 0)), 'float32'), fires);
      });
    },
  }),
});
