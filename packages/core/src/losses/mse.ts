import type { Loss } from '../contracts/loss.js';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import { z } from 'zod';
import { checkSameShape } from './check-shape.js';

export const mseOptions = z.object({
  weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
});

/** Mean squared error. */
export const mseLoss = definePlugin({
  kind: 'loss',
  name: 'mse',
  description: 'Mean squared error, mean((prediction − target)²).',
  options: mseOptions,
  create: ({ weight }): Loss => ({
    name: 'mse',
    weight,
    compute: (prediction, target) => {
      checkSameShape('mse', prediction, target);
      return tf.tidy(() => tf.mean(tf.squaredDifference(prediction, target)) as tf.Scalar);
    },
  }),
});
