import type { Backbone } from '../contracts/backbone.js';
import type { EvalSet } from '../contracts/dataset.js';
import type { Metric } from '../contracts/loss.js';
import type { EvalProbe } from '../contracts/probe.js';
import { tf } from '../tf.js';
import { evaluateClassifier } from './evaluate-classifier.js';
import { type InferOptions, restoreImage } from './infer.js';
import { padToMultiple } from './pad.js';

export interface ImageScores {
  name: string;
  /** Each metric of the model's output. */
  model: Record<string, number>;
  /** The same metrics of the degraded input (clipped to [0, 1], as the output is). */
  input: Record<string, number>;
}

export interface SetScores {
  set: string;
  images: number;
  /** Mean of each metric over the set's images, for the model's output. */
  model: Record<string, number>;
  /** The same metrics for the degraded input itself (the baseline to beat). */
  input: Record<string, number>;
  /** What each probe read over the set (e.g. `firingRates` by layer). */
  probes?: Record<string, Record<string, number>>;
  /** Every image's scores at full precision, in the set's order. */
  perImage?: ImageScores[];
}

/** How the degraded input is scored, for reports: the same clipping the model output gets. */
export const INPUT_SCORING =
  'the noisy input is scored as the model output is: clipped to [0, 1], then by each metric (which rounds to 8 bits where it says so)';

export interface EvaluateOptions extends InferOptions {
  /** Evaluate on at most this many images per set. */
  limit?: number;
  probes?: readonly EvalProbe[];
  /** Called for every image restored, with the number of tiles it took. */
  onImage?: (set: string, image: string, tiles: number) => void;
  /**
   * Runs the model in place of `model.forward` (e.g. a frozen model on ONNX
   * Runtime, whose memory is not the wasm heap, so images are not tiled):
   * padded [N, H, W, C] in, output out; the output is disposed here.
   */
  forward?: (x: tf.Tensor4D) => Promise<tf.Tensor>;
  /** 'classification' goes to `evaluateClassifier` (logits against labels, no tiling or clipping). */
  task?: 'restoration' | 'classification';
  /** Class names by index, for per-class accuracy. */
  classNames?: readonly string[];
}

/**
 * Runs a backbone over every full image of each set (tiled above the memory
 * budget, see `restoreImage`) and averages each metric; per-image scores
 * are kept too. Classification (`task`) goes to `evaluateClassifier`.
 */
export async function evaluate(
  model: Backbone,
  sets: readonly EvalSet[],
  metrics: readonly Metric[],
  options: EvaluateOptions = {},
): Promise<SetScores[]> {
  if (options.task === 'classification') return evaluateClassifier(model, sets, metrics, options);
  const wasTraining = model.training;
  model.eval();
  const results: SetScores[] = [];
  try {
    for (const set of sets) {
      const perImage: ImageScores[] = [];
      for (const probe of options.probes ?? []) probe.begin(model);
      for await (const item of set.items()) {
        if (options.limit !== undefined && perImage.length >= options.limit) {
          tf.dispose([item.input, item.target]);
          break;
        }
        try {
          const restored = options.forward
            ? await forwardWith(options.forward, item.input, model.sizeMultiple)
            : await restoreImage(model, item.input, {
                ...options,
                onTiles: (n) => options.onImage?.(set.name, item.name, n),
              });
          const input = tf.clipByValue(item.input, 0, 1);
          const scores: ImageScores = { name: item.name, model: {}, input: {} };
          for (const metric of metrics) {
            scores.model[metric.name] = metric.compute(restored, item.target);
            scores.input[metric.name] = metric.compute(input, item.target);
          }
          tf.dispose([restored, input]);
          perImage.push(scores);
        } finally {
          tf.dispose([item.input, item.target]);
        }
      }
      const probes: Record<string, Record<string, number>> = {};
      for (const probe of options.probes ?? []) probes[probe.name] = probe.end(model);
      results.push({
        set: set.name,
        images: perImage.length,
        model: meanOf(perImage.map((s) => s.model)),
        input: meanOf(perImage.map((s) => s.input)),
        ...(Object.keys(probes).length ? { probes } : {}),
        perImage,
      });
    }
  } finally {
    model.train(wasTraining);
  }
  return results;
}

function meanOf(rows: readonly Record<string, number>[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of rows) for (const [k, v] of Object.entries(row)) sums[k] = (sums[k] ?? 0) + v;
  return Object.fromEntries(
    Object.entries(sums).map(([k, v]) => [k, v / Math.max(rows.length, 1)]),
  );
}

/** Pad, an asynchronous forward, crop and clip, as `restoreImage` does with `model.forward`. */
async function forwardWith(
  forward: (x: tf.Tensor4D) => Promise<tf.Tensor>,
  input: tf.Tensor4D,
  multiple: number,
): Promise<tf.Tensor4D> {
  const { padded, crop } = padToMultiple(input, multiple);
  const output = await forward(padded);
  padded.dispose();
  const restored = tf.tidy(() => tf.clipByValue(crop(output as tf.Tensor4D), 0, 1));
  output.dispose();
  return restored;
}
