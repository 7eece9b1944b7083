import { tf } from '@spikedistill/core';
import { defineSurrogate } from './surrogate.js';

/**
 * Rectangular surrogate (STBP, Wu et al. 2018), width α, height 1/α, area 1:
 *
 *     g'(x) = 1/α if |x| < α/2, else 0            α = 1
 *     g(x)  = clip(x/α + 1/2, 0, 1)
 */
export const rectSurrogate = defineSurrogate({
  name: 'rect',
  description: "Rectangular surrogate (STBP): g'(x) = 1/α where |x| < α/2, else 0; α = 1",
  alpha: 1,
  fusedName: 'rect',
  primitive: (x, a) => tf.tidy(() => tf.clipByValue(tf.add(tf.div(x, a), 0.5), 0, 1)),
  derivative: (x, a) => tf.tidy(() => tf.div(tf.cast(tf.less(tf.abs(x), a / 2), 'float32'), a)),
});
