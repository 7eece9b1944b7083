import { z } from 'zod';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import type { Backend } from './backend.js';

/** tfjs's pure-JS kernels: the reference the other backends are tested against. Too slow to train. */
export const cpuBackend = definePlugin({
  kind: 'backend',
  name: 'cpu',
  description: 'Reference backend (pure JavaScript, ~1 GFLOP/s conv); for tests, not training.',
  options: z.object({}),
  create: (): Backend => ({
    tfName: 'cpu',
    priority: 10,
    probe: async () => {
      await import('@tensorflow/tfjs-backend-cpu');
      return { available: true };
    },
    activate: async () => {
      await import('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend('cpu');
      await tf.ready();
      // Its first write prints a banner advising tfjs-node; selectBackend already said why not.
      (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    },
  }),
});
