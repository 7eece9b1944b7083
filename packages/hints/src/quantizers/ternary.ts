import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Quantizer } from '@spikedistill/core';

/**
 * Ternary weights {−α, 0, +α} as in Ternary Weight Networks (Li et al. 2016):
 * Δ = factor·mean|W|, α = mean of |W| where |W| > Δ, per tensor. The backward
 * pass is the straight-through estimator: w + stopGradient(q − w).
 */
export const ternaryQuantizer = definePlugin({
  kind: 'quantizer',
  name: 'ternary',
  description: 'weights in {−α, 0, +α}, Δ = factor·mean|W| (TWN), straight-through gradient',
  options: z.object({ factor: z.number().positive().max(1).default(0.7) }),
  create: ({ factor }): Quantizer => {
    const ternarize = (w: tf.Tensor) =>
      tf.tidy(() => {
        const abs = tf.abs(w);
        const delta = tf.mul(tf.mean(abs), factor);
        const mask = tf.cast(tf.greater(abs, delta), 'float32');
        const count = tf.maximum(tf.sum(mask), 1);
        const alpha = tf.div(tf.sum(tf.mul(abs, mask)), count);
        return tf.mul(tf.mul(tf.sign(w), mask), alpha);
      });
    // Straight-through: forward the ternary value, backward the identity.
    const ste = tf.customGrad(((w: tf.Tensor) => ({
      value: ternarize(w),
      gradFunc: (dy: tf.Tensor) => dy,
    })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return {
      name: 'ternary',
      quantize: (w) => ste(w) as tf.Tensor,
      levels: (w) => new Set(tf.tidy(() => ternarize(w).dataSync())).size,
    };
  },
});
