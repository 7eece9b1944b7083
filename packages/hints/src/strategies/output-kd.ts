import { asRef, defineStrategy, ref, termWeight, tf, weightSchedule } from '@spikedistill/core';
import { z } from 'zod';

/**
 * Output distillation: the student's output is pulled toward the frozen
 * teacher's as well as toward the target, by any `loss` plugin (l1 or mse
 * for restored images; a temperature-scaled KL divergence for logits).
 */
export const outputKdStrategy = defineStrategy({
  name: 'output-kd',
  description: 'task loss + weight·distance(student output, teacher output)',
  options: z.object({
    weight: termWeight(1),
    distance: ref('loss', 'l1'),
  }),
  teacher: true,
  setup: ({ options, registry, path }) => {
    const distance = registry.createFrom(
      'loss',
      asRef(options.distance),
      `${path}.options.distance`,
    );
    const weight = weightSchedule(registry, options.weight, `${path}.options.weight`);
    return {
      teacherOutput: true,
      loss: ({ student, teacher, step, totalSteps }) => ({
        [`kd.${distance.name}`]: tf.mul(
          distance.compute(student.output, teacher!.output!),
          weight(step, totalSteps),
        ) as tf.Scalar,
      }),
    };
  },
});
