import {
  type Backbone,
  checkTaps,
  defineStrategy,
  SpikedistillError,
  termWeight,
  tf,
  weightSchedule,
} from '@spikedistill/core';
import { z } from 'zod';

/** Spatial attention map of a feature map: Σ_c F², flattened and L2-normalised per sample. */
function attention(f: tf.Tensor): tf.Tensor {
  const a = tf.sum(tf.square(f), -1);
  const flat = tf.reshape(a, [a.shape[0]!, -1]);
  return tf.div(flat, tf.add(tf.norm(flat, 'euclidean', 1, true), 1e-8));
}

/** A tap as the student computes it over T steps ([T, N, …]), averaged to [N, …]. */
const rate = (model: Backbone, tap: string, x: tf.Tensor) =>
  model.tapInfo.find((t) => t.name === tap)!.temporal ? tf.mean(x, 0) : x;

/**
 * Attention transfer (Zagoruyko & Komodakis, ICLR 2017) on encoder taps: the
 * student's time-averaged encoder features are pulled toward where the
 * teacher's encoder attends. Channel counts may differ, so it needs no
 * adapter. The weight warms up linearly, so early training follows the task
 * loss while the student's features are still noise.
 */
export const encoderAttention = defineStrategy({
  name: 'encoder-attention',
  description: 'attention transfer from teacher to student encoder taps, with a warm-up',
  options: z.object({
    /** [student tap, teacher tap] pairs of the same scale. */
    layers: z
      .array(z.tuple([z.string(), z.string()]))
      .min(1)
      .default([
        ['enc1', 'enc1'],
        ['enc2', 'enc2'],
      ]),
    weight: termWeight(1).default({
      value: 1,
      schedule: { name: 'constant', options: { warmup: 100 } },
    }),
  }),
  teacher: true,
  setup: ({ options, student, teacher, registry, path }) => {
    const studentTaps = options.layers.map(([s]) => s);
    const teacherTaps = options.layers.map(([, t]) => t);
    checkTaps('student', student.tapInfo, studentTaps);
    checkTaps('teacher', teacher!.tapInfo, teacherTaps);
    options.layers.forEach(([s, t], i) => {
      const a = student.tapInfo.find((x) => x.name === s)!;
      const b = teacher!.tapInfo.find((x) => x.name === t)!;
      if (a.scale !== b.scale)
        throw new SpikedistillError(
          'E_SHAPE',
          `${path}.options.layers.${i}: '${s}' is at 1/${a.scale} scale, '${t}' at 1/${b.scale}`,
        );
    });
    const weight = weightSchedule(registry, options.weight, `${path}.options.weight`);
    return {
      studentTaps,
      teacherTaps,
      loss: ({ student: s, teacher: t, step, totalSteps }) => {
        const w = weight(step, totalSteps);
        return Object.fromEntries(
          options.layers.map(([sTap, tTap]) => [
            `at.${sTap}~${tTap}`,
            tf.mul(
              tf.mean(
                tf.squaredDifference(
                  attention(rate(student, sTap, s.taps[sTap]!)),
                  attention(t!.taps[tTap]!),
                ),
              ),
              w,
            ) as tf.Scalar,
          ]),
        );
      },
    };
  },
});
