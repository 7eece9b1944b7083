import { join } from 'node:path';
import { Rng, tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { expect } from 'vitest';
import type { DenoisingData } from './datasets/denoising-data.js';
import type { NoiseModel } from './noise/noise-model.js';
import type { ImageSource } from './sources/image-source.js';
import { PRESETS } from './sources/presets.js';
import { makeRegistry, pngFolder, sharedDataRoot } from './testing/fixtures.js';

// Small fixtures so every plugin runs here without ../shared/datasets.
const train = pngFolder(3, { height: 24, width: 24 });
const test = pngFolder(1, { height: 13, width: 19 });
const shared = sharedDataRoot();
const presetNames = PRESETS.map((p) => p.name);

conformance(() => makeRegistry(), 'dataset', {
  options: {
    'folder-denoise': { train, test: [test], patch: 16 },
    'procedural-denoise': { patch: 16, testImages: 1, testSize: 24 },
  },
  // cifar10 needs the real binary files (its reader is tested on a miniature copy in cifar10.test.ts).
  skip: ['cifar10'],
  checks: [
    {
      name: 'nextBatch gives [N, H, W, C] inputs in the declared channel count',
      async run({ instance }) {
        const data = instance as DenoisingData;
        await expectNoLeaks(async () => {
          const batch = await data.nextBatch(2);
          expect(batch.input.shape[0]).toBe(2);
          expect(batch.input.shape[3]).toBe(data.channels);
          expect(batch.target.shape[0]).toBe(2);
          const finite = tf.tidy(() => tf.all(tf.isFinite(batch.input)).dataSync()[0]);
          expect(finite).toBe(1);
          tf.dispose([batch.input, batch.target]);
        });
        data.close?.();
      },
    },
    {
      name: 'eval sets iterate full items that the caller can dispose',
      async run({ instance }) {
        const data = instance as DenoisingData;
        const sets = data.evalSets();
        expect(sets.length).toBeGreaterThan(0);
        await expectNoLeaks(async () => {
          for await (const item of sets[0]!.items()) {
            expect(item.input.shape[0]).toBeGreaterThan(0);
            expect(item.name).toBeTypeOf('string');
            tf.dispose([item.input, item.target]);
            break;
          }
        });
        data.close?.();
      },
    },
  ],
});

conformance(() => makeRegistry(), 'noise', {
  checks: [
    {
      name: 'apply: same length, finite, seeded, changes the image, writes in place on request',
      run({ instance }) {
        const noise = instance as NoiseModel;
        const clean = new Float32Array(4096).fill(0.5);
        const a = noise.apply(clean, new Rng(1));
        const b = noise.apply(clean, new Rng(1));
        expect(a.length).toBe(clean.length);
        expect(a.every(Number.isFinite)).toBe(true);
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(a.some((v) => v !== 0.5)).toBe(true);
        expect(clean.every((v) => v === 0.5)).toBe(true);
        const inPlace = clean.slice();
        expect(noise.apply(inPlace, new Rng(1), inPlace)).toBe(inPlace);
        expect(Array.from(inPlace)).toEqual(Array.from(a));
        expect(noise.label).toBeTypeOf('string');
      },
    },
  ],
});

conformance(() => makeRegistry(), 'images', {
  options: {
    folder: { dir: train },
    procedural: { count: 2, height: 20, width: 30 },
    ...Object.fromEntries(presetNames.map((n) => [n, shared ? { root: shared } : {}])),
  },
  // Presets need ../shared/datasets; without it they are skipped here (presets.test.ts says so).
  skip: shared ? [] : presetNames,
  checks: [
    {
      name: 'loads images with the declared channels, values in [0, 1]',
      async run({ instance }) {
        const source = instance as ImageSource;
        expect(source.size).toBeGreaterThan(0);
        expect(source.names.length).toBe(source.size);
        const image = await source.load(0);
        expect(image.channels).toBe(source.channels);
        expect(image.data.length).toBe(image.height * image.width * image.channels);
        expect(image.data.every((v) => v >= 0 && v <= 1)).toBe(true);
        if (source.location) expect(image.source).toBe(join(source.location, source.names[0]!));
      },
    },
  ],
});
