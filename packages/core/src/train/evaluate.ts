import type { Backbone } from '../contracts/backbone.js';
import type { EvalSet } from '../contracts/dataset.js';
import type { Metric } from '../contracts/loss.js';
import { tf } from '../tf.js';
import { evaluateClassifier } from './evaluate-classifier.js';
import { padToMultiple } from './pad.js';

export interface SetScores {
  set: string;
  images: number;
  /** Mean of each metric over the set's images, for the model's output. */
  model: Record<string, number>;
  /** The same metrics for the degraded input itself (the baseline to beat). */
  input: Record<string, number>;
}

/**
 * Runs a backbone over every full image of each set (padded to its size
 * multiple, cropped back, clipped to [0, 1]) and averages each metric.
 * Classification (`task`) goes to `evaluateClassifier`: logits, no padding.
 */
export async function evaluate(
  model: Backbone,
  sets: readonly EvalSet[],
  metrics: readonly Metric[],
  options: {
    limit?: number;
    task?: 'restoration' | 'classification';
    classNames?: readonly string[];
  } = {},
): Promise<SetScores[]> {
  if (options.task === 'classification') return evaluateClassifier(model, sets, metrics, options);
  const wasTraining = model.training;
  model.eval();
  const results: SetScores[] = [];
  try {
    for (const set of sets) {
      const sums = { model: {} as Record<string, number>, input: {} as Record<string, number> };
      let n = 0;
      for await (const item of set.items()) {
        if (options.limit !== undefined && n >= options.limit) {
          tf.dispose([item.input, item.target]);
          break;
        }
        const restored = tf.tidy(() => {
          const { padded, crop } = padToMultiple(item.input, model.sizeMultiple);
          const { output } = model.forward(padded, { training: false });
          return tf.clipByValue(crop(output as tf.Tensor4D), 0, 1);
        });
        for (const metric of metrics) {
          sums.model[metric.name] =
            (sums.model[metric.name] ?? 0) + metric.compute(restored, item.target);
          sums.input[metric.name] =
            (sums.input[metric.name] ?? 0) + metric.compute(item.input, item.target);
        }
        tf.dispose([restored, item.input, item.target]);
        n++;
      }
      const mean = (s: Record<string, number>) =>
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v / Math.max(n, 1)]));
      results.push({ set: set.name, images: n, model: mean(sums.model), input: mean(sums.input) });
    }
  } finally {
    model.train(wasTraining);
  }
  return results;
}
