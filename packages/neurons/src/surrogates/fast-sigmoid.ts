import { tf } from '@spikedistill/core';
import { defineSurrogate } from './surrogate.js';

/**
 * Fast sigmoid (SuperSpike, Zenke & Ganguli 2018; snnTorch's `fast_sigmoid`
 * with `slope` = α):
 *
 *     g'(x) = 1 / (1 + α·|x|)²                    α = 25
 *     g(x)  = 1/2 + x / (1 + α·|x|)
 */
export const fastSigmoidSurrogate = defineSurrogate({
  name: 'fast-sigmoid',
  description: "Fast sigmoid (SuperSpike): g'(x) = 1 / (1 + α·|x|)², α = 25 (snnTorch's slope)",
  alpha: 25,
  fusedName: 'fast-sigmoid',
  primitive: (x, a) => tf.tidy(() => tf.add(0.5, tf.div(x, tf.add(1, tf.mul(tf.abs(x), a))))),
  derivative: (x, a) => tf.tidy(() => tf.reciprocal(tf.square(tf.add(1, tf.mul(tf.abs(x), a))))),
});
