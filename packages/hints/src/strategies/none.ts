import { type Backbone, combineLosses, definePlugin, type Strategy } from '@spikedistill/core';
import { z } from 'zod';

/** The baseline: the student trained on the task loss alone. */
export const noneStrategy = definePlugin({
  kind: 'strategy',
  name: 'none',
  description: 'no distillation: task loss only',
  options: z.object({}),
  create: (): Strategy => {
    let student: Backbone | undefined;
    return {
      name: 'none',
      needsTeacher: false,
      attach: (models) => {
        student = models.student;
      },
      modules: () => ({}),
      loss: (batch, task) =>
        combineLosses({ task: task(student!.forward(batch.input).output, batch.target) }),
      dispose: () => {},
    };
  },
});
