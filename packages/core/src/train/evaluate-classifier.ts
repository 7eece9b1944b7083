import type { Backbone } from '../contracts/backbone.js';
import type { EvalSet } from '../contracts/dataset.js';
import type { Metric } from '../contracts/loss.js';
import type { EvalProbe } from '../contracts/probe.js';
import { ShapeError } from '../errors.js';
import { tf } from '../tf.js';
import type { SetScores } from './evaluate.js';

/** A classification set's scores: the metric means, and top-1 accuracy per class. */
export interface ClassificationScores extends SetScores {
  /** Top-1 accuracy of each class present in the set, by class name (or index). */
  perClass: Record<string, number>;
  /** Images per class in the set, by the same keys. */
  perClassImages: Record<string, number>;
}

/**
 * Counts, per true class, the images whose largest logit is that class
 * (ties to the lower index, as argmax). `logits` is [N, K] row-major.
 */
export function countCorrectByClass(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): { correct: number[]; total: number[] } {
  const correct = new Array<number>(classes).fill(0);
  const total = new Array<number>(classes).fill(0);
  for (let n = 0; n < labels.length; n++) {
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if (logits[n * classes + k]! > logits[n * classes + best]!) best = k;
    }
    const y = labels[n]!;
    total[y] = (total[y] ?? 0) + 1;
    if (best === y) correct[y] = (correct[y] ?? 0) + 1;
  }
  return { correct, total };
}

/**
 * Runs a classifier over every item (a batch of images with int32 labels
 * [N]) of each set, as is: no padding, cropping or clipping, which are for
 * images. Metrics are averaged over images (each item weighted by its
 * size); there is no input baseline. `limit` caps the images per set;
 * probes (firing rates) read over each set as in `evaluate`.
 */
export async function evaluateClassifier(
  model: Backbone,
  sets: readonly EvalSet[],
  metrics: readonly Metric[],
  options: { limit?: number; classNames?: readonly string[]; probes?: readonly EvalProbe[] } = {},
): Promise<ClassificationScores[]> {
  const wasTraining = model.training;
  model.eval();
  const results: ClassificationScores[] = [];
  try {
    for (const set of sets) {
      const sums: Record<string, number> = {};
      let images = 0;
      let counts: { correct: number[]; total: number[] } | undefined;
      for (const probe of options.probes ?? []) probe.begin(model);
      for await (const item of set.items()) {
        const room = (options.limit ?? Number.POSITIVE_INFINITY) - images;
        if (room <= 0) {
          tf.dispose([item.input, item.target]);
          break;
        }
        const n = Math.min(item.input.shape[0], room);
        const input = n < item.input.shape[0] ? tf.slice(item.input, 0, n) : item.input;
        const labels = n < item.target.shape[0]! ? tf.slice(item.target, 0, n) : item.target;
        const logits = tf.tidy(() => model.forward(input, { training: false }).output);
        if (logits.rank !== 2 || labels.rank !== 1) {
          tf.dispose([logits, input, labels, item.input, item.target]);
          throw new ShapeError(
            `evaluating ${set.name}: a classifier's output against labels [${labels.shape}]`,
            'logits [N, classes]',
            logits.shape,
          );
        }
        for (const metric of metrics) {
          sums[metric.name] = (sums[metric.name] ?? 0) + n * metric.compute(logits, labels);
        }
        const classes = logits.shape[1]!;
        const c = countCorrectByClass(logits.dataSync(), labels.dataSync(), classes);
        counts ??= { correct: new Array(classes).fill(0), total: new Array(classes).fill(0) };
        c.correct.forEach((v, k) => {
          counts!.correct[k]! += v;
          counts!.total[k]! += c.total[k]!;
        });
        tf.dispose([logits, input, labels, item.input, item.target]);
        images += n;
      }
      const probes: Record<string, Record<string, number>> = {};
      for (const probe of options.probes ?? []) probes[probe.name] = probe.end(model);
      const perClass: Record<string, number> = {};
      const perClassImages: Record<string, number> = {};
      counts?.total.forEach((total, k) => {
        if (total === 0) return;
        const key = options.classNames?.[k] ?? String(k);
        perClass[key] = counts!.correct[k]! / total;
        perClassImages[key] = total;
      });
      results.push({
        set: set.name,
        images,
        model: Object.fromEntries(
          Object.entries(sums).map(([k, v]) => [k, v / Math.max(images, 1)]),
        ),
        input: {},
        ...(Object.keys(probes).length ? { probes } : {}),
        perClass,
        perClassImages,
      });
    }
  } finally {
    model.train(wasTraining);
  }
  return results;
}
