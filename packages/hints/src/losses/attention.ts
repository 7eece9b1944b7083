import { definePlugin, type Loss, SpikedistillError, tf } from '@spikedistill/core';
import { z } from 'zod';

/**
 * Attention transfer (Zagoruyko & Komodakis, ICLR 2017): each map becomes a
 * spatial attention map Σ_c |F_c|^p, flattened and L2-normalised per sample;
 * the loss is the mean squared distance between the normalised maps. Channel
 * counts may differ, so a hint with it needs no adapter.
 */
export const attentionLoss = definePlugin({
  kind: 'loss',
  name: 'attention',
  description: 'attention transfer: distance between L2-normalised Σ_c |F|^p maps',
  options: z.object({
    weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
    p: z.number().positive().default(2),
    eps: z.number().positive().default(1e-8),
  }),
  create: ({ weight, p, eps }): Loss => {
    const map = (f: tf.Tensor) => {
      const a = tf.sum(tf.pow(tf.abs(f), p), -1); // [N, H, W]
      const flat = tf.reshape(a, [a.shape[0]!, -1]);
      return tf.div(flat, tf.add(tf.norm(flat, 'euclidean', 1, true), eps));
    };
    return {
      name: 'attention',
      weight,
      channelsMayDiffer: true,
      compute: (s, t) => {
        if (s.shape.slice(0, -1).join() !== t.shape.slice(0, -1).join()) {
          throw new SpikedistillError(
            'E_SHAPE',
            `attention: prediction [${s.shape}] and target [${t.shape}] differ in batch or spatial size`,
          );
        }
        return tf.tidy(() => tf.mean(tf.squaredDifference(map(s), map(t))) as tf.Scalar);
      },
    };
  },
});
