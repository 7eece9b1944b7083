import {
  asRef,
  defineStrategy,
  ref,
  SpikedistillError,
  termWeight,
  tf,
  weightSchedule,
} from '@spikedistill/core';
import { z } from 'zod';

/**
 * Twin Network Augmentation (Deckers et al., arXiv 2409.15849): a second copy
 * of the student, initialised differently, is trained alongside it;
 * L = task(snn) + task(twin) + α·MSE(out_snn, out_twin), with gradients into
 * both. Only the student is kept. A quantised student (`student.quantizer:
 * ternary`) is the setting where the paper finds TNA helps most;
 * `quantizeTwin` quantises the twin the same way. Teacher hints combine with
 * it through `compose` (TNA + H-KD).
 */
export const tnaStrategy = defineStrategy({
  name: 'tna',
  description: 'twin co-training: the twin’s task loss + α·distance between the two outputs',
  options: z.object({
    alpha: termWeight(1),
    distance: ref('loss', 'mse'),
    quantizeTwin: z.boolean().default(false),
  }),
  setup: ({ options, registry, path, studentQuantizer, makeStudentLike }) => {
    const distance = registry.createFrom(
      'loss',
      asRef(options.distance),
      `${path}.options.distance`,
    );
    const alpha = weightSchedule(registry, options.alpha, `${path}.options.alpha`);
    if (options.quantizeTwin && !studentQuantizer) {
      throw new SpikedistillError(
        'E_CONFIG',
        `${path}.options.quantizeTwin: the student has no quantizer to share; set student.quantizer (e.g. ternary)`,
      );
    }
    // A different config path gives the twin its own random initialisation.
    const twin = makeStudentLike('twin');
    if (options.quantizeTwin) twin.setWeightTransform(studentQuantizer!.quantize);
    return {
      twins: [twin],
      loss: ({ student, twins, batch, task, step, totalSteps }) => {
        const out = twins[0]!.output;
        const terms: Record<string, tf.Scalar> = {};
        for (const [name, t] of Object.entries(task(out, batch.target).terms))
          terms[`twin.${name}`] = t;
        terms[`tna.${distance.name}`] = tf.mul(
          distance.compute(student.output, out),
          alpha(step, totalSteps),
        ) as tf.Scalar;
        return terms;
      },
    };
  },
});
