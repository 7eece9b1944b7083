import type { Loss } from '../contracts/loss.js';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import { z } from 'zod';
import { checkSameShape } from './check-shape.js';

export const l1Options = z.object({
  weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
});

/** Mean absolute error. */
export const l1Loss = definePlugin({
  kind: 'loss',
  name: 'l1',
  description: 'Mean absolute error, mean(|prediction − target|).',
  options: l1Options,
  create: ({ weight }): Loss => ({
    name: 'l1',
    weight,
    compute: (prediction, target) => {
      checkSameShape('l1', prediction, target);
      return tf.tidy(() => tf.mean(tf.abs(tf.sub(prediction, target))) as tf.Scalar);
    },
  }),
});
