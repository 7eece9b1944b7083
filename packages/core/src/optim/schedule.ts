import { z } from 'zod';
import { definePlugin } from '../plugin.js';

/** The learning rate at step `step` (1-based: the step being taken) of `total`. */
export type Schedule = (step: number, total: number) => number;

/** What a `schedule` plugin creates: the schedule for a base learning rate. */
export type ScheduleFactory = (lr: number) => Schedule;

/** Linear warm-up from lr/warmup to lr over the first `warmup` steps, then `after`. */
const withWarmup =
  (lr: number, warmup: number, after: Schedule): Schedule =>
  (step, total) =>
    warmup > 0 && step <= warmup ? (lr * step) / warmup : after(step, total);

const warmup = z
  .number()
  .int()
  .min(0)
  .max(1e9)
  .default(0)
  .describe('linear warm-up over this many steps');

export const constantSchedule = definePlugin({
  kind: 'schedule',
  name: 'constant',
  description: 'the base learning rate throughout (after an optional linear warm-up)',
  options: z.object({ warmup }),
  create:
    (o): ScheduleFactory =>
    (lr) =>
      withWarmup(lr, o.warmup, () => lr),
});

export const stepSchedule = definePlugin({
  kind: 'schedule',
  name: 'step',
  description: 'lr·gamma^⌊step/every⌋ (torch StepLR), after an optional linear warm-up',
  options: z.object({
    warmup,
    every: z.number().int().min(1).max(1e9).describe('steps between decays'),
    gamma: z.number().positive().max(1).default(0.1),
  }),
  create:
    (o): ScheduleFactory =>
    (lr) =>
      withWarmup(lr, o.warmup, (step) => lr * o.gamma ** Math.floor((step - 1) / o.every)),
});

export const cosineSchedule = definePlugin({
  kind: 'schedule',
  name: 'cosine',
  description: 'cosine decay from lr to minLr over the steps after warm-up (SGDR without restarts)',
  options: z.object({ warmup, minLr: z.number().min(0).default(0) }),
  create:
    (o): ScheduleFactory =>
    (lr) =>
      withWarmup(lr, o.warmup, (step, total) => {
        const span = Math.max(1, total - o.warmup);
        const progress = Math.min(1, Math.max(0, (step - 1 - o.warmup) / span));
        return o.minLr + (lr - o.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
      }),
});
