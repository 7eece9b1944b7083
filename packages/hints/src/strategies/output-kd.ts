import { type Backbone, combineLosses, definePlugin, type Strategy, tf } from '@spikedistill/core';
import { z } from 'zod';

/**
 * Output distillation: the student's restored image is pulled toward the
 * frozen teacher's as well as toward the clean target.
 */
export const outputKdStrategy = definePlugin({
  kind: 'strategy',
  name: 'output-kd',
  description: 'task loss + weight·distance(student output, teacher output)',
  options: z.object({
    weight: z.number().nonnegative().default(1),
    distance: z.enum(['l1', 'mse']).default('l1'),
  }),
  create: ({ weight, distance }): Strategy => {
    let student: Backbone | undefined;
    let teacher: Backbone | undefined;
    return {
      name: 'output-kd',
      needsTeacher: true,
      attach: (models) => {
        student = models.student;
        teacher = models.teacher;
      },
      modules: () => ({}),
      loss: (batch, task) => {
        const s = student!.forward(batch.input).output;
        const t = teacher!.forward(batch.input, { training: false }).output;
        const diff = tf.sub(s, t);
        const d = distance === 'l1' ? tf.mean(tf.abs(diff)) : tf.mean(tf.square(diff));
        return combineLosses({
          task: task(s, batch.target),
          kd: {
            total: tf.mul(d, weight) as tf.Scalar,
            terms: { [distance]: tf.mul(d, weight) as tf.Scalar },
          },
        });
      },
      dispose: () => {},
    };
  },
});
