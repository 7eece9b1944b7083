import { tf } from '@spikedistill/core';
import { defineSurrogate } from './surrogate.js';

/**
 * Sigmoid surrogate (SpikingJelly `surrogate.Sigmoid`, its default):
 *
 *     g(x)  = σ(αx)
 *     g'(x) = α · σ(αx) · (1 − σ(αx))          α = 4
 */
export const sigmoidSurrogate = defineSurrogate({
  name: 'sigmoid',
  description: "Sigmoid surrogate: g'(x) = α·σ(αx)·(1 − σ(αx)), α = 4 (SpikingJelly's default)",
  alpha: 4,
  fusedName: 'sigmoid',
  primitive: (x, a) => tf.sigmoid(tf.mul(x, a)),
  derivative: (x, a) =>
    tf.tidy(() => {
      const s = tf.sigmoid(tf.mul(x, a));
      return tf.mul(tf.mul(s, tf.sub(1, s)), a);
    }),
});
