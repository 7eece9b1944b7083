import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { TemporalReducer } from '../types.js';

/** Firing rate over the T steps: the H-KD paper's "averaged over T". */
export const meanReducer = definePlugin({
  kind: 'reducer',
  name: 'mean',
  description: 'mean over time steps (firing rate)',
  options: z.object({}),
  create: (): TemporalReducer => ({ name: 'mean', reduce: (x) => tf.mean(x, 0) }),
});

/** Only the last step: what a single-step read-out would see. */
export const lastReducer = definePlugin({
  kind: 'reducer',
  name: 'last',
  description: 'the last time step',
  options: z.object({}),
  create: (): TemporalReducer => ({
    name: 'last',
    reduce: (x) => tf.squeeze(tf.slice(x, [x.shape[0]! - 1], [1]), [0]),
  }),
});

export const sumReducer = definePlugin({
  kind: 'reducer',
  name: 'sum',
  description: 'sum over time steps (spike count)',
  options: z.object({}),
  create: (): TemporalReducer => ({ name: 'sum', reduce: (x) => tf.sum(x, 0) }),
});
