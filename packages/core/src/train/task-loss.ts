import type { Loss } from '../contracts/loss.js';
import type { StepLoss, TaskLoss } from '../contracts/strategy.js';
import { SpikedistillError } from '../errors.js';
import { tf } from '../tf.js';

/**
 * Sums a list of losses into one, each scaled by its `weight`, keeping the
 * weighted terms by name (`l1`, `fft`; the second `l1` is `l1#2`). Shapes
 * are each loss's own business (images against images, logits [N, K]
 * against labels [N]), so every loss checks its inputs itself.
 */
export function composeTaskLoss(losses: readonly Loss[]): TaskLoss {
  if (losses.length === 0)
    throw new SpikedistillError(
      'E_CONFIG',
      'loss: the list of losses is empty; name at least one, e.g. [{ name: l1 }]',
    );
  const seen = new Map<string, number>();
  const names = losses.map((l) => {
    const count = (seen.get(l.name) ?? 0) + 1;
    seen.set(l.name, count);
    return count === 1 ? l.name : `${l.name}#${count}`;
  });
  return (prediction, target): StepLoss => {
    const terms: Record<string, tf.Scalar> = {};
    losses.forEach((loss, i) => {
      terms[names[i]!] = tf.tidy(
        () => tf.mul(loss.compute(prediction, target), loss.weight) as tf.Scalar,
      );
    });
    return { total: tf.addN(Object.values(terms)) as tf.Scalar, terms };
  };
}
