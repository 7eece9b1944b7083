import type { Backbone } from '../contracts/backbone.js';
import type { TrainingData } from '../contracts/dataset.js';
import type { Loss, Metric } from '../contracts/loss.js';
import { ConfigError } from '../errors.js';
import { tf } from '../tf.js';

/**
 * Checks, before any step, that the models, losses and metrics suit the
 * data's task, so a restoration backbone, loss or metric on classification
 * data fails at once with a message saying what to use, not as a shape
 * error after the first batch (or after training, for metrics).
 */
export function checkTaskFit(parts: {
  student: Backbone;
  teacher?: Backbone;
  losses: readonly Loss[];
  metrics: readonly Metric[];
  data: TrainingData;
}): void {
  const { data } = parts;
  if (data.task !== 'classification') return;
  const classes = data.classes ?? 0;
  for (const [role, model] of [
    ['student', parts.student],
    ['teacher', parts.teacher],
  ] as const) {
    if (model && model.outputChannels !== classes) {
      throw new ConfigError(
        `The data is classification with ${classes} classes, but the ${role} outputs ${model.outputChannels} channel(s): ` +
          `use a classifier backbone with \`classes: ${classes}\` (e.g. spiking-vgg, spiking-resnet, vgg or resnet from @spikedistill/classification).`,
      );
    }
  }
  // Scoring two made-up rows runs each plugin's own input checks.
  const labels = tf.tensor1d([0, 1 % classes], 'int32');
  const logits = tf.tidy(() => tf.mul(tf.oneHot(labels, classes), 2));
  try {
    for (const loss of parts.losses) {
      tryScoring(`loss '${loss.name}'`, 'cross-entropy', () =>
        tf.dispose(loss.compute(logits, labels)),
      );
    }
    for (const metric of parts.metrics) {
      tryScoring(`metric '${metric.name}'`, 'accuracy', () => metric.compute(logits, labels));
    }
  } finally {
    tf.dispose([logits, labels]);
  }
}

function tryScoring(what: string, instead: string, score: () => unknown): void {
  try {
    score();
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(
      `${what} cannot score a classifier's logits [N, classes] against labels [N] (${why}); for classification use e.g. '${instead}' (from @spikedistill/classification).`,
      { cause },
    );
  }
}
