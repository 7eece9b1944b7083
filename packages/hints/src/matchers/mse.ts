import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { HintMatcher } from '../types.js';
import { checkSameShape } from './check-shape.js';

/** Mean squared error between feature maps: the H-KD paper's hint loss. */
export const mseMatcher = definePlugin({
  kind: 'hint',
  name: 'mse',
  description: 'mean((s − t)²)',
  options: z.object({}),
  create: (): HintMatcher => ({
    name: 'mse',
    needsEqualChannels: true,
    compute: (s, t) => {
      checkSameShape('mse', s, t);
      return tf.mean(tf.squaredDifference(s, t)) as tf.Scalar;
    },
  }),
});
