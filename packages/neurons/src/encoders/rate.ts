import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Encoder } from '../kinds.js';
import { checkTimesteps } from './timesteps.js';
import { unaryCustomGrad } from '../util/custom-grad.js';

/**
 * Rate (Bernoulli) encoding: at each step a neuron spikes with probability
 * p = clip(gain·x, 0, 1). Seeded: every call draws a fresh seed from the
 * plugin's own random stream, so a run is reproducible. The backward pass is
 * the gradient of the expected spike count (straight-through on p).
 */
export const rateEncoder = definePlugin({
  kind: 'encoder',
  name: 'rate',
  description: 'Bernoulli spikes with probability clip(gain·x, 0, 1) at each step (seeded)',
  options: z.object({
    gain: z.number().positive().default(1).describe('probability per unit input'),
  }),
  create: ({ gain }, ctx): Encoder => {
    const rng = ctx.rng;
    return {
      name: 'rate',
      encode: (x, timesteps) => {
        checkTimesteps('rate', timesteps);
        const seed = rng.int(0, 2 ** 31 - 1);
        const sample = unaryCustomGrad((input: tf.Tensor, save: tf.GradSaveFunc) => {
          save([input]);
          const value = tf.tidy(() => {
            const p = tf.clipByValue(tf.mul(input, gain), 0, 1);
            const u = tf.randomUniform([timesteps, ...input.shape], 0, 1, 'float32', seed);
            return tf.cast(tf.less(u, p), 'float32');
          });
          return {
            value,
            gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
              tf.tidy(() => {
                const gx = tf.mul(saved[0]!, gain);
                const inside = tf.cast(tf.logicalAnd(tf.greater(gx, 0), tf.less(gx, 1)), 'float32');
                return tf.mul(tf.mul(tf.sum(dy, 0), inside), gain);
              }),
          };
        });
        return sample(x);
      },
    };
  },
});
