import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { makeRegistry, tempDir } from '../testing/fixtures.js';
import { CIFAR_RECORD, decodeCifarRecords, encodeCifarRecords } from './cifar-format.js';
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES } from './cifar10.js';
import { type ClassificationData, createClassificationData } from './classification-data.js';
import type { LabeledImages } from './labeled-images.js';

function randomLabeled(count: number, seed: number): LabeledImages {
  const rng = new Rng(seed);
  const pixels = new Uint8Array(count * 32 * 32 * 3).map(() => rng.int(0, 256));
  const labels = new Uint8Array(count).map(() => rng.int(0, 10));
  return { pixels, labels, count, height: 32, width: 32, channels: 3 };
}

/** A miniature CIFAR-10 folder: the real file names and format, 3 records per file. */
function fakeCifarDir(): { dir: string; test: LabeledImages } {
  const dir = join(tempDir(), 'cifar-10-batches-bin');
  mkdirSync(dir);
  CIFAR10_TRAIN_FILES.forEach((f, i) => {
    writeFileSync(join(dir, f), encodeCifarRecords(randomLabeled(3, i)));
  });
  const test = randomLabeled(4, 99);
  writeFileSync(join(dir, CIFAR10_TEST_FILE), encodeCifarRecords(test));
  return { dir, test };
}

describe('CIFAR-10 binary format', () => {
  it('decodes label byte + R, G, B planes into HWC', () => {
    const record = new Uint8Array(CIFAR_RECORD);
    record[0] = 7;
    record[1] = 11; // R of pixel (0, 0)
    record[1 + 1024] = 22; // G of pixel (0, 0)
    record[1 + 2048 + 33] = 33; // B of pixel (1, 1)
    const d = decodeCifarRecords(record, 'one.bin');
    expect(d.labels[0]).toBe(7);
    expect([d.pixels[0], d.pixels[1], d.pixels[2]]).toEqual([11, 22, 0]);
    expect(d.pixels[(32 + 1) * 3 + 2]).toBe(33);
    expect(encodeCifarRecords(d)).toEqual(record);
  });

  it('rejects a file that is not whole records, naming it', () => {
    expect(() => decodeCifarRecords(new Uint8Array(3000), '/x/data_batch_1.bin')).toThrow(
      /\/x\/data_batch_1\.bin is not in the CIFAR-10 binary format: its 3000 bytes/,
    );
  });
});

describe('cifar10 plugin', () => {
  it('reads a folder in the official layout', async () => {
    const { dir, test } = fakeCifarDir();
    const data = makeRegistry().create('dataset', 'cifar10', {
      dir,
      seed: 1,
    }) as ClassificationData;
    expect([data.task, data.classes, data.trainSize, data.testSize]).toEqual([
      'classification',
      10,
      15,
      4,
    ]);
    const batch = await data.nextBatch(5);
    expect(batch.input.shape).toEqual([5, 32, 32, 3]);
    expect(batch.target.shape).toEqual([5]);
    expect(batch.target.dtype).toBe('int32');
    tf.dispose([batch.input, batch.target]);
    const [b] = await collect(data.testBatches(10));
    expect(Array.from(b!.labels)).toEqual(Array.from(test.labels));
    expect(b!.input[5]).toBeCloseTo(test.pixels[5]! / 255, 6);
    data.close?.();
  });

  it('one epoch visits every training image once', async () => {
    const { dir } = fakeCifarDir();
    const data = makeRegistry().create('dataset', 'cifar10', {
      dir,
      augment: false,
      seed: 3,
    }) as ClassificationData;
    const b = await data.nextArrays(15);
    data.close?.();
    const seen = new Set<string>();
    for (let i = 0; i < 15; i++) seen.add(b.input.subarray(i * 3072, i * 3072 + 16).join());
    expect(seen.size).toBe(15);
  });

  it('without files: a clear error that says where it looked', () => {
    const root = tempDir();
    expect(() => makeRegistry().create('dataset', 'cifar10', { root })).toThrow(
      new RegExp(
        `CIFAR-10 binary files not found\\. Expected data_batch_1\\.bin.*test_batch\\.bin.*${join(root, 'cifar-10-batches-bin')}.*cifar10-synthetic`,
      ),
    );
  });
});

describe('cifar10-synthetic', () => {
  it('batch k is a function of (seed, k): a fresh pipeline that seeks to k gives it', async () => {
    const make = () =>
      makeRegistry().create('dataset', 'cifar10-synthetic', { seed: 4 }) as ClassificationData;
    const sequential = make();
    const drawn: string[] = [];
    for (let i = 0; i < 3; i++) {
      const b = await sequential.nextArrays(8);
      drawn.push([...b.labels, ...b.input.subarray(0, 64)].join());
    }
    sequential.close();
    const resumed = make();
    resumed.seek(2);
    const b = await resumed.nextArrays(8);
    resumed.close();
    expect([...b.labels, ...b.input.subarray(0, 64)].join()).toBe(drawn[2]);
  });

  it('augment without flips only shifts', async () => {
    // createClassificationData's `flip: false` is what digit data sets use.
    const image = new Uint8Array(32 * 32 * 3).map((_, i) => (i * 37) % 251);
    const data = createClassificationData({
      name: 'one',
      classNames: ['a'],
      channels: 3,
      trainSize: 1,
      testSize: 1,
      data: Promise.resolve({
        train: {
          pixels: image,
          labels: new Uint8Array(1),
          count: 1,
          height: 32,
          width: 32,
          channels: 3,
        },
        test: {
          pixels: image,
          labels: new Uint8Array(1),
          count: 1,
          height: 32,
          width: 32,
          channels: 3,
        },
      }),
      seed: 1,
      augment: true,
      shift: 0,
      flip: false,
      prefetch: 0,
      evalBatch: 1,
    });
    const b = await data.nextArrays(4);
    data.close();
    for (let n = 0; n < 4; n++) {
      expect(
        Array.from(b.input.subarray(n * 3072, (n + 1) * 3072), (v) => Math.round(v * 255)),
      ).toEqual(Array.from(image));
    }
  });

  it('yields [N, 32, 32, 3] images in [0, 1] and integer labels of every class', async () => {
    const data = makeRegistry().create('dataset', 'cifar10-synthetic', {
      seed: 1,
    }) as ClassificationData;
    const b = await data.nextArrays(64);
    data.close?.();
    expect(b.shape).toEqual([64, 32, 32, 3]);
    expect(b.input.reduce((a, v) => Math.min(a, v), Infinity)).toBeGreaterThanOrEqual(0);
    expect(b.input.reduce((a, v) => Math.max(a, v), -Infinity)).toBeLessThanOrEqual(1);
    expect(new Set(b.labels).size).toBe(10);
  });

  it('is class-structured: a nearest-class-mean classifier on gratings beats chance by far', async () => {
    const data = makeRegistry().create('dataset', 'cifar10-synthetic', {
      augment: false,
      seed: 2,
    }) as ClassificationData;
    // Feature: power at each class's grating orientation, from the train split.
    const train = await data.nextArrays(512);
    const [test] = await collect(data.testBatches(128));
    data.close?.();
    const feature = (px: Float32Array, at: number) => {
      const f: number[] = [];
      for (let c = 0; c < 10; c++) {
        const angle = (Math.PI * c) / 10;
        for (const freq of [0.08, 0.13, 0.18]) {
          let re = 0;
          let im = 0;
          for (let y = 0; y < 32; y++)
            for (let x = 0; x < 32; x++) {
              const v = px[at + (y * 32 + x) * 3]!;
              const ph = 2 * Math.PI * freq * (y * Math.sin(angle) + x * Math.cos(angle));
              re += v * Math.cos(ph);
              im += v * Math.sin(ph);
            }
          f.push(Math.hypot(re, im));
        }
      }
      return f;
    };
    const means = Array.from({ length: 10 }, () => ({ sum: new Array(30).fill(0), n: 0 }));
    for (let i = 0; i < 512; i++) {
      const m = means[train.labels[i]!]!;
      feature(train.input, i * 3072).forEach((v, j) => {
        m.sum[j] += v;
      });
      m.n++;
    }
    let correct = 0;
    for (let i = 0; i < 128; i++) {
      const f = feature(test!.input, i * 3072);
      let best = -1;
      let bestD = Infinity;
      means.forEach((m, c) => {
        const d = f.reduce((s, v, j) => s + (v - m.sum[j] / m.n) ** 2, 0);
        if (d < bestD) [best, bestD] = [c, d];
      });
      if (best === test!.labels[i]) correct++;
    }
    expect(correct / 128).toBeGreaterThan(0.6);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
