import { definePlugin, type Metric, type tf } from '@spikedistill/core';
import { z } from 'zod';
import { checkLabelRange, checkLogitsAndLabels } from '../losses/check-logits.js';

/**
 * Whether each row's label is among its `k` largest logits. Ties go to
 * the lower class index, as argmax does: the label's rank is the number of
 * logits above it plus the equal ones before it.
 */
export function topKCorrect(
  logits: Float32Array | Int32Array,
  labels: ArrayLike<number>,
  classes: number,
  k: number,
): boolean[] {
  return Array.from({ length: labels.length }, (_, n) => {
    const row = logits.subarray(n * classes, (n + 1) * classes);
    const y = labels[n]!;
    const v = row[y]!;
    let rank = 0;
    for (let j = 0; j < classes; j++) if (row[j]! > v || (row[j] === v && j < y)) rank++;
    return rank < k;
  });
}

/** Top-k accuracy of logits [N, K] against int32 labels [N]: the fraction of correct rows. */
export function topKAccuracy(logits: tf.Tensor, labels: tf.Tensor, k = 1): number {
  checkLogitsAndLabels('accuracy', logits, labels);
  const classes = logits.shape[1]!;
  const y = labels.dataSync();
  checkLabelRange('accuracy', y, classes);
  const correct = topKCorrect(logits.dataSync() as Float32Array, y, classes, k);
  return correct.length ? correct.filter(Boolean).length / correct.length : 0;
}

export const accuracyMetric = definePlugin({
  kind: 'metric',
  name: 'accuracy',
  description:
    "Top-k accuracy of logits [N, K] against int32 labels [N] (k = 1: 'accuracy'; otherwise reported as 'top<k>'), ties to the lower class",
  options: z.object({
    top: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe('k: correct when the label is among the k largest logits'),
  }),
  meta: { target: 'labels' },
  create: ({ top }): Metric => ({
    name: top === 1 ? 'accuracy' : `top${top}`,
    higherIsBetter: true,
    compute: (logits, labels) => topKAccuracy(logits, labels, top),
  }),
});
