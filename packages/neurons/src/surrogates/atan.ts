import { tf } from '@spikedistill/core';
import { defineSurrogate } from './surrogate.js';

/**
 * Arctangent surrogate (SpikingJelly `surrogate.ATan`, snnTorch's default):
 *
 *     g(x)  = 1/2 + arctan(π/2 · α · x) / π
 *     g'(x) = (α/2) / (1 + (π/2 · α · x)²)       α = 2
 */
export const atanSurrogate = defineSurrogate({
  name: 'atan',
  description: "Arctangent surrogate: g'(x) = (α/2) / (1 + (π/2·α·x)²), α = 2",
  alpha: 2,
  fusedName: 'atan',
  primitive: (x, a) =>
    tf.tidy(() => tf.add(tf.div(tf.atan(tf.mul(x, (Math.PI / 2) * a)), Math.PI), 0.5)),
  derivative: (x, a) =>
    tf.tidy(() => {
      const u = tf.mul(x, (Math.PI / 2) * a);
      return tf.div(a / 2, tf.add(1, tf.square(u)));
    }),
});
