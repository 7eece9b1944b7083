import { tf } from '@spikedistill/core';
import { defineSurrogate } from './surrogate.js';

/**
 * Triangle (piecewise-linear) surrogate; the derivative of SpikingJelly's
 * `surrogate.PiecewiseQuadratic`:
 *
 *     g'(x) = max(0, α − α²·|x|)                  α = 1
 *     g(x)  = 0 for x < −1/α;  1 for x > 1/α;  1/2 + αx − α²·x·|x|/2 between
 */
export const triangleSurrogate = defineSurrogate({
  name: 'triangle',
  description: "Triangle surrogate: g'(x) = max(0, α − α²·|x|), α = 1",
  alpha: 1,
  fusedName: 'triangle',
  primitive: (x, a) =>
    tf.tidy(() => {
      const c = tf.clipByValue(x, -1 / a, 1 / a);
      return tf.sub(tf.add(0.5, tf.mul(c, a)), tf.mul(tf.mul(c, tf.abs(c)), (a * a) / 2));
    }),
  derivative: (x, a) => tf.tidy(() => tf.relu(tf.sub(a, tf.mul(tf.abs(x), a * a)))),
});
