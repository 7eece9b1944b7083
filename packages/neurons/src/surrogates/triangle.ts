import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import { makeSurrogate, type Surrogate } from './surrogate.js';

/**
 * Triangle (piecewise-linear) surrogate; the derivative of SpikingJelly's
 * `surrogate.PiecewiseQuadratic`:
 *
 *     g'(x) = max(0, α − α²·|x|)                  α = 1
 *     g(x)  = 0 for x < −1/α;  1 for x > 1/α;  1/2 + αx − α²·x·|x|/2 between
 */
export const triangleSurrogate = definePlugin({
  kind: 'surrogate',
  name: 'triangle',
  description: "Triangle surrogate: g'(x) = max(0, α − α²·|x|), α = 1",
  options: z.object({ alpha: z.number().positive().default(1) }),
  create: ({ alpha }): Surrogate =>
    makeSurrogate({
      name: 'triangle',
      alpha,
      fusedName: 'triangle',
      primitive: (x, a) =>
        tf.tidy(() => {
          const c = tf.clipByValue(x, -1 / a, 1 / a);
          const quad = tf.sub(tf.add(0.5, tf.mul(c, a)), tf.mul(tf.mul(c, tf.abs(c)), (a * a) / 2));
          return quad;
        }),
      derivative: (x, a) => tf.tidy(() => tf.relu(tf.sub(a, tf.mul(tf.abs(x), a * a)))),
    }),
});
