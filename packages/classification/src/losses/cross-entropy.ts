import { definePlugin, type Loss, tf } from '@spikedistill/core';
import { z } from 'zod';
import { checkLabelRange, checkLogitsAndLabels } from './check-logits.js';

export const crossEntropyOptions = z.object({
  weight: z.number().nonnegative().default(1).describe('Factor of this term in a composite loss'),
  labelSmoothing: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('ε: the target is (1 − ε)·one-hot + ε/K (PyTorch’s label_smoothing)'),
});

/**
 * Softmax cross-entropy of logits [N, K] against int32 labels [N], the mean
 * over the batch, with PyTorch's `label_smoothing`:
 *
 *     L = −(1/N) Σₙ Σₖ qₙₖ · log softmax(zₙ)ₖ,   qₙₖ = (1 − ε)·[k = yₙ] + ε/K
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, smoothing = 0): tf.Scalar {
  checkLogitsAndLabels('cross-entropy', logits, labels);
  const classes = logits.shape[1]!;
  checkLabelRange('cross-entropy', labels.dataSync(), classes);
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels as tf.Tensor1D, classes);
    const target =
      smoothing > 0 ? tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / classes) : oneHot;
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), 1))) as tf.Scalar;
  });
}

export const crossEntropyLoss = definePlugin({
  kind: 'loss',
  name: 'cross-entropy',
  description:
    'Softmax cross-entropy of logits [N, K] against int32 labels [N], mean over N; optional label smoothing ε.',
  options: crossEntropyOptions,
  meta: { target: 'labels' },
  create: ({ weight, labelSmoothing }): Loss => ({
    name: 'cross-entropy',
    weight,
    compute: (logits, labels) => crossEntropy(logits, labels, labelSmoothing),
  }),
});
