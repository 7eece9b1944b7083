import { z } from 'zod';
import { ref } from '../config/ref.js';
import type { Registry } from '../registry/registry.js';

/**
 * A loss-term weight: a number, or a number that follows one of the
 * learning-rate schedules over the run (`{ value: 0.12, schedule: { name:
 * cosine, options: { warmup: 500 } } }`), as the hint-distillation
 * literature anneals the hint weight.
 */
export const termWeight = (value: number) =>
  z
    .union([
      z.number().min(0).max(1e6),
      z.strictObject({
        value: z.number().min(0).max(1e6),
        schedule: ref('schedule', 'constant'),
      }),
    ])
    .default(value);

export type TermWeight = z.output<ReturnType<typeof termWeight>>;

/** The weight at (step, total steps) for a `termWeight` option. */
export function weightSchedule(
  registry: Registry,
  weight: TermWeight,
  path: string,
): (step: number, total: number) => number {
  if (typeof weight === 'number') return () => weight;
  const factory = registry.createFrom('schedule', weight.schedule, `${path}.schedule`);
  return factory(weight.value);
}
