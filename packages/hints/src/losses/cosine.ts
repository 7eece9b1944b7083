import { checkSameShape, definePlugin, type Loss, tf } from '@spikedistill/core';
import { z } from 'zod';

/** 1 − cosine similarity of the channel vectors at each position, averaged: scale-free. */
export const cosineLoss = definePlugin({
  kind: 'loss',
  name: 'cosine',
  description: 'mean over positions of 1 − cos(prediction, target) along channels',
  options: z.object({
    weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
    eps: z.number().positive().default(1e-8),
  }),
  create: ({ weight, eps }): Loss => ({
    name: 'cosine',
    weight,
    compute: (s, t) => {
      checkSameShape('cosine', s, t);
      return tf.tidy(() => {
        const axis = s.rank - 1;
        const dot = tf.sum(tf.mul(s, t), axis);
        const norms = tf.mul(tf.norm(s, 'euclidean', axis), tf.norm(t, 'euclidean', axis));
        return tf.mean(tf.sub(1, tf.div(dot, tf.add(norms, eps)))) as tf.Scalar;
      });
    },
  }),
});
