import type { Loss } from '../contracts/loss.js';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import { z } from 'zod';
import { checkSameShape } from './check-shape.js';

export const charbonnierOptions = z.object({
  weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
  eps: z
    .number()
    .positive()
    .default(1e-3)
    .describe('Smoothing constant ε (1e-3 as in MPRNet/Restormer)'),
});

/** Charbonnier (smooth L1) loss: L1 away from zero, quadratic (differentiable) near it. */
export const charbonnierLoss = definePlugin({
  kind: 'loss',
  name: 'charbonnier',
  description: 'Charbonnier loss, mean(sqrt((prediction − target)² + ε²)).',
  options: charbonnierOptions,
  create: ({ weight, eps }): Loss => ({
    name: 'charbonnier',
    weight,
    compute: (prediction, target) => {
      checkSameShape('charbonnier', prediction, target);
      return tf.tidy(
        () =>
          tf.mean(
            tf.sqrt(tf.add(tf.squaredDifference(prediction, target), eps * eps)),
          ) as tf.Scalar,
      );
    },
  }),
});
