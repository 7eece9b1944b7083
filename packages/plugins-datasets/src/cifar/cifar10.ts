import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { definePlugin, filePath } from '@spikedistill/core';
import { z } from 'zod';
import { seedFrom } from '../datasets/refs.js';
import { DatasetError } from '../errors.js';
import { DATA_ENV, dataRootCandidates } from '../sources/data-root.js';
import {
  CIFAR_RECORD,
  CIFAR10_CLASSES,
  concatLabeled,
  decodeCifarRecords,
} from './cifar-format.js';
import { type ClassificationData, createClassificationData } from './classification-data.js';

export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
/** Folder names tried under a data root; the first is what the official archive unpacks to. */
export const CIFAR10_FOLDERS = ['cifar-10-batches-bin', 'cifar10', 'CIFAR10', 'cifar-10'];

const hasFiles = (dir: string) =>
  [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].every((f) => existsSync(join(dir, f)));

/** Finds the folder with the six CIFAR-10 binary files, or says where it looked and what it wanted. */
export function resolveCifar10(dir: string | undefined, root: string | undefined): string {
  const tried = dir
    ? [resolve(dir)]
    : dataRootCandidates({ root }).flatMap((c) => CIFAR10_FOLDERS.map((f) => join(c.dir, f)));
  const found = tried.find(hasFiles);
  if (found) return found;
  throw new DatasetError(
    `CIFAR-10 binary files not found. Expected ${[...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].join(', ')} ` +
      `(the "CIFAR-10 binary version" archive, unpacked) in ${tried.length ? tried.join(', ') : `a folder under the data root ($${DATA_ENV} or shared/datasets; none was found)`}. ` +
      "Set the `dir` option to that folder, or use 'cifar10-synthetic' for a file-free stand-in.",
  );
}

const countOf = (file: string) => Math.floor(statSync(file).size / CIFAR_RECORD);

export const cifar10 = definePlugin({
  kind: 'dataset',
  name: 'cifar10',
  description: 'CIFAR-10 from its local binary files (data_batch_1..5.bin, test_batch.bin)',
  options: z.object({
    dir: filePath('folder')
      .optional()
      .describe('Folder with the .bin files (default: cifar-10-batches-bin under the data root)'),
    root: filePath('folder').optional().describe('Data root to search when `dir` is not given'),
    trainLimit: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Use only the first N training images'),
    augment: z
      .boolean()
      .default(true)
      .describe('Random crop (4-pixel zero padding) and horizontal flip'),
    seed: z.number().int().optional(),
    prefetch: z.number().int().min(0).default(2),
    evalBatch: z.number().int().positive().default(500).describe('Images per evaluation item'),
  }),
  create: (o, ctx): ClassificationData => {
    const dir = resolveCifar10(o.dir, o.root);
    const trainFiles = CIFAR10_TRAIN_FILES.map((f) => join(dir, f));
    const fullTrain = trainFiles.reduce((n, f) => n + countOf(f), 0);
    const trainSize = Math.min(fullTrain, o.trainLimit ?? fullTrain);
    const read = async (file: string) => decodeCifarRecords(await readFile(file), file);
    const data = (async () => {
      const train = concatLabeled(await Promise.all(trainFiles.map(read)));
      const test = await read(join(dir, CIFAR10_TEST_FILE));
      if (trainSize < train.count) {
        const per = train.height * train.width * train.channels;
        Object.assign(train, {
          pixels: train.pixels.subarray(0, trainSize * per),
          labels: train.labels.subarray(0, trainSize),
          count: trainSize,
        });
      }
      return { train, test };
    })();
    return createClassificationData({
      name: 'cifar10',
      classNames: CIFAR10_CLASSES,
      channels: 3,
      trainSize,
      testSize: countOf(join(dir, CIFAR10_TEST_FILE)),
      data,
      seed: seedFrom(ctx, o.seed, 'train'),
      augment: o.augment,
      prefetch: o.prefetch,
      evalBatch: o.evalBatch,
    });
  },
});
