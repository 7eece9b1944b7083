import { defineStrategy, weightSchedule } from '@spikedistill/core';
import { HintLayers, hintOptions } from './hint-layers.js';

/**
 * Asymmetric hint distillation (H-KD, Su, Wu, Zheng, arXiv 2504.01755): the
 * frozen ANN teacher's intermediate features pull the SNN student's
 * time-averaged features through learned adapters:
 * L = task(student) + λ·Σ_l match(adapt(mean_t s_l), t_l).
 */
export const hintStrategy = defineStrategy({
  name: 'hint',
  description: 'teacher feature hints on time-averaged student features (H-KD)',
  options: hintOptions,
  teacher: true,
  setup: ({ options, student, teacher, registry, path }) => {
    const hints = new HintLayers(options, student, teacher!, registry, path);
    const weight = weightSchedule(registry, options.weight, `${path}.options.weight`);
    return {
      studentTaps: hints.studentTaps,
      teacherTaps: hints.teacherTaps,
      modules: { adapters: hints.adapters },
      loss: ({ student: s, teacher: t, step, totalSteps }) =>
        hints.loss(s.taps, t!.taps, weight(step, totalSteps)),
    };
  },
});
