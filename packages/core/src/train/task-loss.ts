import type { Loss } from '../contracts/loss.js';
import type { StepLoss, TaskLoss } from '../contracts/strategy.js';
import { SpikedistillError } from '../errors.js';
import { tf } from '../tf.js';

/**
 * Sums a list of losses into one, each scaled by its `weight`, keeping the
 * weighted terms by name (`l1`, `fft`; a repeated name gets `#2`). Shapes
 * are each loss's own business (images against images, logits [N, K]
 * against labels [N]), so every loss checks its inputs itself.
 */
export function composeTaskLoss(losses: readonly Loss[]): TaskLoss {
  if (losses.length === 0)
    throw new SpikedistillError('E_CONFIG', 'loss: the list of losses is empty');
  const names = losses.map((l, i) =>
    losses.findIndex((o) => o.name === l.name) === i ? l.name : `${l.name}#${i + 1}`,
  );
  return (prediction, target): StepLoss => {
    const terms: Record<string, tf.Scalar> = {};
    losses.forEach((loss, i) => {
      terms[names[i]!] = tf.mul(loss.compute(prediction, target), loss.weight) as tf.Scalar;
    });
    return { total: tf.addN(Object.values(terms)) as tf.Scalar, terms };
  };
}

/** Merges term maps under prefixes (`task.l1`, `hint.dec1`) and sums their totals. */
export function combineLosses(parts: Record<string, StepLoss>): StepLoss {
  const terms: Record<string, tf.Scalar> = {};
  for (const [prefix, part] of Object.entries(parts)) {
    for (const [name, value] of Object.entries(part.terms)) terms[`${prefix}.${name}`] = value;
  }
  const totals = Object.values(parts).map((p) => p.total);
  return { total: (totals.length === 1 ? totals[0] : tf.addN(totals)) as tf.Scalar, terms };
}
