import {
  type Batch,
  type EvalItem,
  type EvalSet,
  Rng,
  type TrainingData,
  tf,
} from '@spikedistill/core';
import { toChannels } from '../image/color.js';
import type { Image } from '../image/image.js';
import type { NoiseModel } from '../noise/noise-model.js';
import type { PatchSampler } from '../sampler/patch-sampler.js';
import { Prefetcher } from '../sampler/prefetcher.js';
import type { ImageSource } from '../sources/image-source.js';

/** A training batch as plain arrays, [N, P, P, C] row-major, for trainers that make their own tensors. */
export interface PatchBatch {
  /** Noisy patches. */
  input: Float32Array;
  /** Clean patches. */
  target: Float32Array;
  shape: [number, number, number, number];
  /** Position of this batch in the sequence (0, 1, …). */
  index: number;
}

/** A clean test image and its noisy version, full size. */
export interface EvalPair {
  name: string;
  clean: Image;
  noisy: Image;
}

export interface DenoiseEvalSet extends EvalSet {
  /** The noise model's label, e.g. `awgn σ=25`. */
  readonly noise: string;
  /** Seed of the test noise: the same seed gives byte-identical noisy images. */
  readonly seed: number;
  /** Pairs as arrays (no tensors), in the source's order. */
  pairs(): AsyncIterable<EvalPair>;
}

/**
 * What the denoising `dataset` plugins create: core's TrainingData plus
 * array access (no tensors) and the facts a report needs to be reproducible.
 */
export interface DenoisingData extends TrainingData {
  readonly task: 'restoration';
  readonly channels: number;
  readonly patch: number;
  /** Seed of the training stream (patches, augmentation, training noise). */
  readonly seed: number;
  readonly noise: NoiseModel;
  readonly testNoise: NoiseModel;
  readonly testSeed: number;
  /** What a report needs to reproduce the data: sources, sizes, noise and seeds. */
  readonly summary: DenoisingSummary;
  /** Loads the training images (once) and resolves when they are in memory; rejects if one fails to load. */
  ready(): Promise<void>;
  /** The next batch as arrays; shares the sequence with `nextBatch`. */
  nextArrays(batchSize: number): Promise<PatchBatch>;
  evalSets(): DenoiseEvalSet[];
  close(): void;
}

export interface DenoisingSummary {
  train: string;
  test: { name: string; size: number; location?: string }[];
  channels: number;
  patch: number;
  noise: string;
  testNoise: string;
  seed: number;
  testSeed: number;
}

export interface DenoisingDataOptions {
  /** Name of the training source, for the summary. */
  trainName: string;
  channels: number;
  patch: number;
  /** Makes the training patch sampler; called once, on the first `ready`/`nextBatch`, so evaluation alone never loads training data. */
  sampler: () => Promise<PatchSampler>;
  tests: readonly ImageSource[];
  noise: NoiseModel;
  testNoise: NoiseModel;
  seed: number;
  testSeed: number;
  prefetch: number;
  /** Keep decoded test images in memory between evaluations. */
  cache: boolean;
}

/** Draws batch `index` of the training sequence; a pure function of (seed, index, size). */
export function makePatchBatch(
  sampler: PatchSampler,
  noise: NoiseModel,
  base: Rng,
  index: number,
  size: number,
  patch: number,
): PatchBatch {
  const channels = sampler.channels;
  const per = patch * patch * channels;
  const target = new Float32Array(size * per);
  const input = new Float32Array(size * per);
  // Separate streams: a different noise model leaves the patches unchanged.
  const patchRng = base.fork(`patches:${index}`);
  const noiseRng = base.fork(`noise:${index}`);
  for (let i = 0; i < size; i++) {
    sampler.fill(patchRng, target, i * per, patch);
    noise.apply(
      target.subarray(i * per, (i + 1) * per),
      noiseRng,
      input.subarray(i * per, (i + 1) * per),
    );
  }
  return { input, target, shape: [size, patch, patch, channels], index };
}

/** Noisy version of one test image, seeded by set and image name so subsets and order do not matter. */
export function noisyTestImage(
  clean: Image,
  noise: NoiseModel,
  seed: number,
  setName: string,
  name: string,
): Image {
  const rng = new Rng(seed).fork(`${setName}/${name}`);
  return { ...clean, data: noise.apply(clean.data, rng) };
}

export function createDenoisingData(o: DenoisingDataOptions): DenoisingData {
  const base = new Rng(o.seed);
  let sampler: PatchSampler | undefined;
  let loading: Promise<void> | undefined;
  const load = () => {
    if (!loading) {
      loading = o.sampler().then((s) => {
        sampler = s;
      });
      // Reported through take()/ready(), not as an unhandled rejection.
      loading.catch(() => {});
    }
    return loading;
  };
  const prefetcher = new Prefetcher<PatchBatch>(async (index, size) => {
    await load();
    return makePatchBatch(sampler!, o.noise, base, index, size, o.patch);
  }, o.prefetch);
  const sets = o.tests.map((source) => evalSet(source, o));
  return {
    task: 'restoration',
    channels: o.channels,
    patch: o.patch,
    seed: o.seed,
    noise: o.noise,
    testNoise: o.testNoise,
    testSeed: o.testSeed,
    summary: {
      train: o.trainName,
      test: o.tests.map((t) => ({ name: t.name, size: t.size, location: t.location })),
      channels: o.channels,
      patch: o.patch,
      noise: o.noise.label,
      testNoise: o.testNoise.label,
      seed: o.seed,
      testSeed: o.testSeed,
    },
    ready: load,
    nextArrays: (batchSize) => prefetcher.take(checkBatchSize(batchSize)),
    async nextBatch(batchSize: number): Promise<Batch> {
      const b = await prefetcher.take(checkBatchSize(batchSize));
      return { input: tf.tensor4d(b.input, b.shape), target: tf.tensor4d(b.target, b.shape) };
    },
    evalSets: () => sets,
    seek: (batches: number) => prefetcher.seek(batches),
    close: () => prefetcher.close(),
  };
}

function checkBatchSize(n: number): number {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`batch size must be a positive integer, got ${n}`);
  return n;
}

function evalSet(source: ImageSource, o: DenoisingDataOptions): DenoiseEvalSet {
  const cache = new Map<number, Image>();
  const clean = async (i: number) => {
    const hit = cache.get(i);
    if (hit) return hit;
    const image = toChannels(await source.load(i), o.channels);
    if (o.cache) cache.set(i, image);
    return image;
  };
  async function* pairs(): AsyncGenerator<EvalPair> {
    // One image ahead, so decoding overlaps with the consumer's work.
    let pending = source.size > 0 ? clean(0) : undefined;
    for (let i = 0; i < source.size; i++) {
      const image = await pending!;
      pending = i + 1 < source.size ? clean(i + 1) : undefined;
      pending?.catch(() => {});
      const name = source.names[i]!;
      yield {
        name,
        clean: image,
        noisy: noisyTestImage(image, o.testNoise, o.testSeed, source.name, name),
      };
    }
  }
  return {
    name: source.name,
    size: source.size,
    noise: o.testNoise.label,
    seed: o.testSeed,
    pairs,
    async *items(): AsyncGenerator<EvalItem> {
      for await (const { name, clean, noisy } of pairs()) {
        const shape: [number, number, number, number] = [
          1,
          clean.height,
          clean.width,
          clean.channels,
        ];
        yield {
          name,
          input: tf.tensor4d(noisy.data, shape),
          target: tf.tensor4d(clean.data, shape),
        };
      }
    },
  };
}
