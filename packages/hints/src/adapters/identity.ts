import { definePlugin, Module, SpikedistillError, type tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Adapter, AdapterFactory } from '../types.js';

class Identity extends Module implements Adapter {
  apply(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

/** No adapter: the student's features are compared as they are (channel counts must agree). */
export const identityAdapter = definePlugin({
  kind: 'adapter',
  name: 'identity',
  description: 'no adaptation; student and teacher taps must have equal channels',
  options: z.object({}),
  create: (): AdapterFactory => ({
    name: 'identity',
    create: (inC, outC) => {
      if (inC !== outC) {
        throw new SpikedistillError(
          'E_SHAPE',
          `identity adapter: student tap has ${inC} channels, teacher tap ${outC}; use adapter conv1x1`,
        );
      }
      return new Identity();
    },
  }),
});
