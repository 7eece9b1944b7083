import {
  type Backbone,
  combineLosses,
  definePlugin,
  type Module,
  type Strategy,
} from '@spikedistill/core';
import { HintLayers, hintOptions } from './hint-layers.js';

/**
 * Asymmetric hint distillation (H-KD, Su, Wu, Zheng, arXiv 2504.01755): the
 * frozen ANN teacher's intermediate features pull the SNN student's
 * time-averaged features through learned adapters:
 * L = task(student) + λ·Σ_l match(adapt(mean_t s_l), t_l).
 */
export const hintStrategy = definePlugin({
  kind: 'strategy',
  name: 'hint',
  description: 'teacher feature hints on time-averaged student features (H-KD)',
  options: hintOptions,
  create: (options): Strategy => {
    let student: Backbone | undefined;
    let teacher: Backbone | undefined;
    let hints: HintLayers | undefined;
    return {
      name: 'hint',
      needsTeacher: true,
      attach: (models, ctx) => {
        student = models.student;
        teacher = models.teacher;
        if (!teacher) return; // the trainer reports the missing teacher
        hints = new HintLayers(options, student, teacher, ctx.registry, ctx.path);
      },
      modules: (): Record<string, Module> => (hints ? { adapters: hints.adapters } : {}),
      loss: (batch, task) => {
        const s = student!.forward(batch.input, { taps: hints!.studentTaps });
        // The teacher is frozen: its variables are not optimised, so its
        // features act as constants for the student's update.
        const t = teacher!.forward(batch.input, { taps: hints!.teacherTaps, training: false });
        return combineLosses({
          task: task(s.output, batch.target),
          hint: hints!.loss(s.taps, t.taps, options.weight),
        });
      },
      dispose: () => hints?.adapters.dispose(),
    };
  },
});
