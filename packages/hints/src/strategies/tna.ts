import {
  type Backbone,
  combineLosses,
  definePlugin,
  ref,
  type StepLoss,
  type Strategy,
  tf,
} from '@spikedistill/core';
import { z } from 'zod';
import type { Quantizer } from '../types.js';
import { HintLayers, hintOptions } from './hint-layers.js';

/**
 * Twin Network Augmentation (Deckers et al., arXiv 2409.15849): a second copy
 * of the student, initialised differently, is trained alongside it;
 * L = task(snn) + task(twin) + α·MSE(out_snn, out_twin), with gradients into
 * both. Only the student is kept. With `quantizer: ternary` the student
 * computes with ternary weights (straight-through), the setting where the
 * paper finds TNA loses least. With `hint` the student also takes teacher
 * hints (TNA + H-KD).
 */
export const tnaStrategy = definePlugin({
  kind: 'strategy',
  name: 'tna',
  description: 'twin co-training with output MSE; optional ternary weights and teacher hints',
  options: z.object({
    alpha: z.number().nonnegative().default(1),
    quantizer: ref('quantizer').nullable().default(null),
    quantizeTwin: z.boolean().default(false),
    hint: hintOptions.nullable().default(null),
  }),
  create: (options): Strategy => {
    let student: Backbone | undefined;
    let teacher: Backbone | undefined;
    let twin: Backbone | undefined;
    let hints: HintLayers | undefined;
    return {
      name: 'tna',
      get needsTeacher() {
        return options.hint !== null;
      },
      attach: (models, ctx) => {
        student = models.student;
        teacher = models.teacher;
        // A different config path gives the twin its own random init.
        twin = ctx.registry.createFrom('backbone', ctx.studentRef, `${ctx.path}.twin`);
        if (options.quantizer) {
          const q: Quantizer = ctx.registry.createFrom(
            'quantizer',
            options.quantizer,
            `${ctx.path}.quantizer`,
          );
          student.setWeightTransform(q.quantize);
          if (options.quantizeTwin) twin.setWeightTransform(q.quantize);
        }
        if (options.hint && teacher) {
          hints = new HintLayers(options.hint, student, teacher, ctx.registry, `${ctx.path}.hint`);
        }
      },
      modules: () => ({ twin: twin!, ...(hints ? { adapters: hints.adapters } : {}) }),
      loss: (batch, task) => {
        const s = student!.forward(batch.input, { taps: hints?.studentTaps ?? [] });
        const t = twin!.forward(batch.input).output;
        const mse = tf.mul(tf.mean(tf.squaredDifference(s.output, t)), options.alpha) as tf.Scalar;
        const parts: Record<string, StepLoss> = {
          task: task(s.output, batch.target),
          twin: task(t, batch.target),
          tna: { total: mse, terms: { mse } },
        };
        if (hints && teacher) {
          const th = teacher.forward(batch.input, { taps: hints.teacherTaps, training: false });
          parts.hint = hints.loss(s.taps, th.taps, options.hint!.weight);
        }
        return combineLosses(parts);
      },
      dispose: () => {
        twin?.dispose();
        hints?.adapters.dispose();
      },
    };
  },
});
