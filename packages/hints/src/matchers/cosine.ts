import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { HintMatcher } from '../types.js';
import { checkSameShape } from './check-shape.js';

/** 1 − cosine similarity of the channel vectors at each position, averaged: scale-free. */
export const cosineMatcher = definePlugin({
  kind: 'hint',
  name: 'cosine',
  description: 'mean over positions of 1 − cos(s, t) along channels',
  options: z.object({ eps: z.number().positive().default(1e-8) }),
  create: ({ eps }): HintMatcher => ({
    name: 'cosine',
    needsEqualChannels: true,
    compute: (s, t) => {
      checkSameShape('cosine', s, t);
      const axis = s.rank - 1;
      const dot = tf.sum(tf.mul(s, t), axis);
      const norms = tf.mul(tf.norm(s, 'euclidean', axis), tf.norm(t, 'euclidean', axis));
      return tf.mean(tf.sub(1, tf.div(dot, tf.add(norms, eps)))) as tf.Scalar;
    },
  }),
});
