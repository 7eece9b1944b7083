import { defineStrategy } from '@spikedistill/core';
import { z } from 'zod';

/** The baseline: the student trained on the task loss alone. */
export const noneStrategy = defineStrategy({
  name: 'none',
  description: 'no distillation: task loss only',
  options: z.object({}),
  setup: () => ({ loss: () => ({}) }),
});
