import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import { makeSurrogate, type Surrogate } from './surrogate.js';

/**
 * Rectangular surrogate (STBP, Wu et al. 2018), width 1/α, area 1:
 *
 *     g'(x) = α if |x| < 1/(2α), else 0           α = 1
 *     g(x)  = clip(αx + 1/2, 0, 1)
 */
export const rectSurrogate = definePlugin({
  kind: 'surrogate',
  name: 'rect',
  description: "Rectangular surrogate: g'(x) = α where |x| < 1/(2α), else 0; α = 1",
  options: z.object({ alpha: z.number().positive().default(1) }),
  create: ({ alpha }): Surrogate =>
    makeSurrogate({
      name: 'rect',
      alpha,
      fusedName: 'rect',
      primitive: (x, a) => tf.tidy(() => tf.clipByValue(tf.add(tf.mul(x, a), 0.5), 0, 1)),
      derivative: (x, a) =>
        tf.tidy(() => tf.mul(tf.cast(tf.less(tf.abs(x), 1 / (2 * a)), 'float32'), a)),
    }),
});
