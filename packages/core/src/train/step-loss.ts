import type { Backbone } from '../contracts/backbone.js';
import type { LossInputs, StepLoss, Strategy } from '../contracts/strategy.js';
import { tf } from '../tf.js';

/**
 * One batch's loss as the trainer computes it (under the gradient tape):
 * the student and the strategy's twins forward in training mode with the
 * taps the strategy needs, the task loss of the student (`task.*` terms)
 * plus the strategy's own terms. The teacher run, if any, is in `inputs`.
 */
export function stepLoss(
  student: Backbone,
  strategy: Strategy,
  inputs: Omit<LossInputs, 'student' | 'twins'>,
): StepLoss {
  const { studentTaps, twinTaps } = strategy.needs;
  const input = inputs.batch.input;
  const s = student.forward(input, { taps: studentTaps, training: true });
  const twins = strategy
    .twins()
    .map((twin) => twin.forward(input, { taps: twinTaps, training: true }));
  const terms: Record<string, tf.Scalar> = {};
  for (const [name, t] of Object.entries(inputs.task(s.output, inputs.batch.target).terms))
    terms[`task.${name}`] = t;
  Object.assign(terms, strategy.loss({ ...inputs, student: s, twins }));
  return { total: tf.addN(Object.values(terms)) as tf.Scalar, terms };
}
