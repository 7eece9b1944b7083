import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { HintMatcher } from '../types.js';
import { checkSameShape } from './check-shape.js';

export const l1Matcher = definePlugin({
  kind: 'hint',
  name: 'l1',
  description: 'mean(|s − t|)',
  options: z.object({}),
  create: (): HintMatcher => ({
    name: 'l1',
    needsEqualChannels: true,
    compute: (s, t) => {
      checkSameShape('l1', s, t);
      return tf.mean(tf.abs(tf.sub(s, t))) as tf.Scalar;
    },
  }),
});
