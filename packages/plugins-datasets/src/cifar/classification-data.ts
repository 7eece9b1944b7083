import {
  type Batch,
  type EvalItem,
  type EvalSet,
  Rng,
  type TrainingData,
  tf,
} from '@spikedistill/core';
import { Prefetcher } from '../sampler/prefetcher.js';
import type { LabeledImages } from './labeled-images.js';

export interface LabeledBatch {
  /** [N, H, W, C] in [0, 1]. */
  input: Float32Array;
  labels: Int32Array;
  shape: [number, number, number, number];
  index: number;
}

/**
 * What the classification `dataset` plugins create. `nextBatch` gives
 * `target` as int32 labels [N]. Eval items carry the labels [N] as `target`
 * too, although core's EvalItem types it as a 4-D tensor (check `task`).
 */
export interface ClassificationData extends TrainingData {
  readonly task: 'classification';
  readonly classes: number;
  readonly classNames: readonly string[];
  readonly trainSize: number;
  readonly testSize: number;
  readonly seed: number;
  ready(): Promise<void>;
  /** Continue as if `batches` batches had been drawn (exact resume). */
  seek(batches: number): void;
  nextArrays(batchSize: number): Promise<LabeledBatch>;
  /** The test set as arrays, in batches of `batchSize`, in file order. */
  testBatches(batchSize?: number): AsyncIterable<Omit<LabeledBatch, 'index'>>;
  close(): void;
}

export interface ClassificationDataOptions {
  name: string;
  classNames: readonly string[];
  channels: number;
  trainSize: number;
  testSize: number;
  /** Both splits, possibly still loading. */
  data: Promise<{ train: LabeledImages; test: LabeledImages }>;
  seed: number;
  /** Random shifts (zeros shifted in) and, unless `flip` is false, horizontal flips. */
  augment: boolean;
  /** Largest shift in pixels, each way (default 4: CIFAR's pad-4 random crop). */
  shift?: number;
  /** Mirror half the images (default true; digits and text must not be mirrored). */
  flip?: boolean;
  prefetch: number;
  evalBatch: number;
}

/**
 * Epochs of shuffled training images: batch i of size n holds positions
 * [i·n, (i+1)·n) of the concatenated per-epoch permutations, so it depends
 * only on (seed, i, n), and `seek(i)` resumes exactly. Augmentation is by
 * default the standard CIFAR one: a random 32×32 crop of the image
 * zero-padded by 4, and a random horizontal flip.
 */
export function createClassificationData(o: ClassificationDataOptions): ClassificationData {
  const base = new Rng(o.seed);
  const shift = o.shift ?? 4;
  const flips = o.flip ?? true;
  let data: { train: LabeledImages; test: LabeledImages } | undefined;
  const loading = o.data.then((d) => {
    data = d;
  });
  loading.catch(() => {});
  const permutations = new Map<number, Uint32Array>();
  const permutation = (epoch: number) => {
    let p = permutations.get(epoch);
    if (!p) {
      const order = Array.from({ length: data!.train.count }, (_, i) => i);
      p = Uint32Array.from(base.fork(`epoch:${epoch}`).shuffle(order));
      permutations.clear();
      permutations.set(epoch, p);
    }
    return p;
  };
  const produce = (index: number, size: number): LabeledBatch => {
    const train = data!.train;
    const { height: h, width: w, channels: c } = train;
    const per = h * w * c;
    const input = new Float32Array(size * per);
    const labels = new Int32Array(size);
    const rng = base.fork(`augment:${index}`);
    for (let i = 0; i < size; i++) {
      const pos = index * size + i;
      const src = permutation(Math.floor(pos / train.count))[pos % train.count]!;
      labels[i] = train.labels[src]!;
      const dy = o.augment ? rng.int(-shift, shift + 1) : 0;
      const dx = o.augment ? rng.int(-shift, shift + 1) : 0;
      const flip = o.augment && flips && rng.uniform() < 0.5;
      copyShifted(train.pixels, src * per, input, i * per, h, w, c, dy, dx, flip);
    }
    return { input, labels, shape: [size, h, w, c], index };
  };
  const prefetcher = new Prefetcher(produce, o.prefetch, loading);
  async function* testBatches(batchSize = o.evalBatch) {
    await loading;
    const test = data!.test;
    const per = test.height * test.width * test.channels;
    for (let start = 0; start < test.count; start += batchSize) {
      const n = Math.min(batchSize, test.count - start);
      const input = new Float32Array(n * per);
      const px = test.pixels.subarray(start * per, (start + n) * per);
      for (let i = 0; i < px.length; i++) input[i] = px[i]! / 255;
      const labels = Int32Array.from(test.labels.subarray(start, start + n));
      yield {
        input,
        labels,
        shape: [n, test.height, test.width, test.channels] as [number, number, number, number],
      };
    }
  }
  const testSet: EvalSet = {
    name: `${o.name}/test`,
    size: o.testSize,
    async *items(): AsyncGenerator<EvalItem> {
      let start = 0;
      for await (const b of testBatches()) {
        const name = `${o.name}/test[${start}:${start + b.shape[0]}]`;
        start += b.shape[0];
        yield {
          name,
          input: tf.tensor4d(b.input, b.shape),
          // Labels, not an image: see the ClassificationData doc comment.
          target: tf.tensor1d(b.labels, 'int32') as unknown as tf.Tensor4D,
        };
      }
    },
  };
  return {
    task: 'classification',
    channels: o.channels,
    classes: o.classNames.length,
    classNames: o.classNames,
    trainSize: o.trainSize,
    testSize: o.testSize,
    seed: o.seed,
    ready: () => loading,
    nextArrays: (n) => prefetcher.take(n),
    async nextBatch(n: number): Promise<Batch> {
      const b = await prefetcher.take(n);
      return { input: tf.tensor4d(b.input, b.shape), target: tf.tensor1d(b.labels, 'int32') };
    },
    testBatches,
    evalSets: () => [testSet],
    seek: (batches: number) => prefetcher.seek(batches),
    close: () => prefetcher.close(),
  };
}

/** Copies one image shifted by (dy, dx) with zeros shifted in, optionally mirrored, scaled to [0, 1]. */
function copyShifted(
  src: Uint8Array,
  from: number,
  out: Float32Array,
  to: number,
  h: number,
  w: number,
  c: number,
  dy: number,
  dx: number,
  flip: boolean,
): void {
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sx = (flip ? w - 1 - x : x) + dx;
      const o = to + (y * w + x) * c;
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (let k = 0; k < c; k++) out[o + k] = 0;
      } else {
        const s = from + (sy * w + sx) * c;
        for (let k = 0; k < c; k++) out[o + k] = src[s + k]! / 255;
      }
    }
  }
}
