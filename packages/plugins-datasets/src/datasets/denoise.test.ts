import { tf } from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { describe, expect, it } from 'vitest';
import { makeRegistry, pngFolder, sharedDataRoot } from '../testing/fixtures.js';
import type { DenoisingData } from './denoising-data.js';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function firstBatches(data: DenoisingData, sizes: number[]) {
  const out = [];
  for (const n of sizes) out.push(await data.nextArrays(n));
  data.close?.();
  return out;
}

async function allPairs(data: DenoisingData) {
  const out = [];
  for (const set of data.evalSets())
    for await (const pair of set.pairs()) out.push({ set: set.name, ...pair });
  return out;
}

describe('folder-denoise', () => {
  const train = pngFolder(5, { height: 40, width: 36 });
  const test = pngFolder(2, { height: 21, width: 17 });
  const options = { train, test: [test], patch: 16, sigma: 25 };

  it('same seed → identical bytes of patch batches and noisy test images', async () => {
    const a = makeRegistry(1).create('dataset', 'folder-denoise', { ...options, seed: 42 });
    const b = makeRegistry(2).create('dataset', 'folder-denoise', {
      ...options,
      seed: 42,
      prefetch: 0,
    });
    const c = makeRegistry(1).create('dataset', 'folder-denoise', { ...options, seed: 43 });
    const [ba, bb, bc] = await Promise.all(
      [a, b, c].map((d) => firstBatches(d as DenoisingData, [4, 4, 2])),
    );
    for (let i = 0; i < 3; i++) {
      expect(bytes(ba![i]!.input).equals(bytes(bb![i]!.input))).toBe(true);
      expect(bytes(ba![i]!.target).equals(bytes(bb![i]!.target))).toBe(true);
      expect(bytes(ba![i]!.target).equals(bytes(bc![i]!.target))).toBe(false);
    }
    const [pa, pc] = await Promise.all([
      allPairs(a as DenoisingData),
      allPairs(c as DenoisingData),
    ]);
    expect(pa.length).toBe(2);
    // The test noise depends on testSeed only, not on the training seed.
    pa.forEach((p, i) => {
      expect(bytes(p.noisy.data).equals(bytes(pc[i]!.noisy.data))).toBe(true);
    });
    const other = makeRegistry().create('dataset', 'folder-denoise', {
      ...options,
      testSeed: 5,
    }) as DenoisingData;
    const po = await allPairs(other);
    expect(bytes(po[0]!.noisy.data).equals(bytes(pa[0]!.noisy.data))).toBe(false);
    expect(bytes(po[0]!.clean.data).equals(bytes(pa[0]!.clean.data))).toBe(true);
  });

  it('batches are [N, P, P, C] tensors; the input is the target plus σ=25 noise', async () => {
    const data = makeRegistry().create('dataset', 'folder-denoise', { ...options, patch: 24 });
    expect([data.task, data.channels]).toEqual(['restoration', 1]);
    const batch = await data.nextBatch(16);
    expect(batch.input.shape).toEqual([16, 24, 24, 1]);
    expect(batch.target.shape).toEqual([16, 24, 24, 1]);
    const residual = tf.tidy(() => tf.moments(tf.sub(batch.input, batch.target).mul(255)));
    const std = Math.sqrt((await residual.variance.data())[0]!);
    expect(std).toBeGreaterThan(24);
    expect(std).toBeLessThan(26);
    tf.dispose([batch.input, batch.target, residual.mean, residual.variance]);
    data.close?.();
  });

  it('eval items are full-size [1, H, W, C] pairs and leak nothing', async () => {
    const data = makeRegistry().create('dataset', 'folder-denoise', options);
    const [set] = data.evalSets();
    expect(set!.size).toBe(2);
    await expectNoLeaks(async () => {
      for await (const item of set!.items()) {
        expect(item.input.shape).toEqual([1, 21, 17, 1]);
        expect(item.target.shape).toEqual([1, 21, 17, 1]);
        expect(item.name).toMatch(/^img00[01]\.png$/);
        tf.dispose([item.input, item.target]);
      }
    });
  });

  it('converts to RGB on request and takes any noise plugin', async () => {
    const data = makeRegistry().create('dataset', 'folder-denoise', {
      ...options,
      channels: 3,
      noise: { name: 'poisson-gaussian', options: { peak: 10 } },
      testNoise: { name: 'awgn', options: { sigma: 15 } },
    }) as DenoisingData;
    expect(data.noise.label).toMatch(/poisson-gaussian/);
    expect(data.summary).toMatchObject({
      train: expect.stringContaining(train),
      test: [{ size: 2, location: test }],
      channels: 3,
      patch: 16,
      noise: 'poisson-gaussian peak=10 σ=5',
      testNoise: 'awgn σ=15',
      testSeed: 0,
    });
    expect(data.evalSets()[0]!.noise).toBe('awgn σ=15');
    const b = await data.nextArrays(2);
    expect(b.shape).toEqual([2, 16, 16, 3]);
    data.close?.();
  });

  it('multi-scale training adds resized copies, dropping those smaller than a patch', async () => {
    const one = makeRegistry().create('dataset', 'folder-denoise', {
      ...options,
      seed: 4,
    }) as DenoisingData;
    const multi = makeRegistry().create('dataset', 'folder-denoise', {
      ...options,
      seed: 4,
      scales: [1, 0.6, 0.1],
    }) as DenoisingData;
    const [a, b] = await Promise.all([firstBatches(one, [8]), firstBatches(multi, [8])]);
    expect(b![0]!.shape).toEqual([8, 16, 16, 1]);
    expect(bytes(a![0]!.target).equals(bytes(b![0]!.target))).toBe(false);
  });

  it('errors: unknown source, patch larger than the images, corrupt training file', async () => {
    const registry = makeRegistry();
    expect(() =>
      registry.create('dataset', 'folder-denoise', { ...options, train: 'Train4000' }, 'data'),
    ).toThrow(
      /data\.options\.train: 'Train4000' is neither a registered images plugin \(.*Train400.*\) nor an existing folder/,
    );
    const big = registry.create('dataset', 'folder-denoise', { ...options, patch: 64 });
    await expect(big.nextBatch(2)).rejects.toThrow(/36x40, smaller than the 64x64 training patch/);
    const broken = pngFolder(3);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${broken}/img002.png`, 'not a png');
    const bad = registry.create('dataset', 'folder-denoise', {
      ...options,
      train: broken,
    }) as DenoisingData;
    await expect(bad.ready()).rejects.toThrow(/img002\.png: not a PNG or TIFF/);
  });

  const shared = sharedDataRoot();
  it.skipIf(!shared)(
    'defaults: Train400 → Set12, BSD68 at σ=25 (needs ../shared/datasets)',
    async () => {
      const data = makeRegistry().create('dataset', 'folder-denoise', {}) as DenoisingData;
      expect(data.evalSets().map((s) => [s.name, s.size, s.noise])).toEqual([
        ['Set12', 12, 'awgn σ=25'],
        ['BSD68', 68, 'awgn σ=25'],
      ]);
      const b = await data.nextArrays(8);
      expect(b.shape).toEqual([8, 48, 48, 1]);
      data.close?.();
    },
  );
});

describe('procedural-denoise', () => {
  it('needs no files and is deterministic per seed', async () => {
    const make = (seed: number) =>
      makeRegistry().create('dataset', 'procedural-denoise', {
        seed,
        patch: 32,
        testImages: 2,
        testSize: 40,
      }) as DenoisingData;
    const [a, b, c] = await Promise.all(
      [make(1), make(1), make(2)].map((d) => firstBatches(d, [3, 3])),
    );
    expect(bytes(a![1]!.input).equals(bytes(b![1]!.input))).toBe(true);
    expect(bytes(a![1]!.input).equals(bytes(c![1]!.input))).toBe(false);
    const pa = await allPairs(make(1));
    const pc = await allPairs(make(2));
    expect(pa.map((p) => [p.set, p.name, p.clean.height])).toEqual([
      ['procedural', 'dead-leaves-000', 40],
      ['procedural', 'dead-leaves-001', 40],
    ]);
    expect(bytes(pa[1]!.noisy.data).equals(bytes(pc[1]!.noisy.data))).toBe(true);
  });

  it('patches look like images: in [0, 1], not constant, with flat regions', async () => {
    const data = makeRegistry().create('dataset', 'procedural-denoise', {
      channels: 3,
      patch: 48,
      sigma: 0,
    }) as DenoisingData;
    const b = await data.nextArrays(8);
    data.close?.();
    const t = b.target;
    expect(t.reduce((a, v) => Math.min(a, v), Infinity)).toBeGreaterThanOrEqual(0);
    expect(t.reduce((a, v) => Math.max(a, v), -Infinity)).toBeLessThanOrEqual(1);
    // Dead leaves are piecewise smooth: most neighbouring pixels are close, some differ a lot (edges).
    let small = 0;
    let large = 0;
    for (let i = 3; i < t.length; i += 3) {
      const d = Math.abs(t[i]! - t[i - 3]!);
      if (d < 0.05) small++;
      if (d > 0.2) large++;
    }
    const pairs = t.length / 3;
    expect(small / pairs).toBeGreaterThan(0.6);
    expect(large / pairs).toBeGreaterThan(0.005);
    expect(bytes(b.input).equals(bytes(b.target))).toBe(true);
  });
});
