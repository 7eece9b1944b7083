import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import type { AdapterFactory } from '../types.js';
import { ConvAdapter } from './conv-adapter.js';

/** FitNets-style regressor: a learned 1×1 convolution from student to teacher channels. */
export const conv1x1Adapter = definePlugin({
  kind: 'adapter',
  name: 'conv1x1',
  description: 'learned 1×1 convolution (with bias) from student to teacher channels',
  options: z.object({}),
  create: (_o, ctx): AdapterFactory => {
    let n = 0;
    return {
      name: 'conv1x1',
      create: (inC, outC) => new ConvAdapter(inC, outC, 1, ctx.rng.fork(`adapter${n++}`)),
    };
  },
});

export const conv3x3Adapter = definePlugin({
  kind: 'adapter',
  name: 'conv3x3',
  description: 'learned 3×3 convolution (with bias) from student to teacher channels',
  options: z.object({}),
  create: (_o, ctx): AdapterFactory => {
    let n = 0;
    return {
      name: 'conv3x3',
      create: (inC, outC) => new ConvAdapter(inC, outC, 3, ctx.rng.fork(`adapter${n++}`)),
    };
  },
});
