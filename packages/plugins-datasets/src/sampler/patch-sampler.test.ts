import { Rng } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import type { Image } from '../image/image.js';
import { dihedral } from './dihedral.js';
import { poolSampler } from './patch-sampler.js';

/** Pixel value = its own flat index, so a patch tells exactly where it came from. */
function indexImage(height: number, width: number, id: number): Image {
  return {
    data: Float32Array.from({ length: height * width }, (_, i) => id * 10000 + i),
    height,
    width,
    channels: 1,
  };
}

describe('pool patch sampler', () => {
  const images = [indexImage(9, 13, 0), indexImage(20, 7, 1)];

  it('every patch is one of the 8 transforms of an in-bounds crop', () => {
    const sampler = poolSampler(images, { augment: true });
    const rng = new Rng(5);
    const p = 5;
    const out = new Float32Array(p * p);
    const seenTransforms = new Set<number>();
    const corners = new Set<string>();
    for (let n = 0; n < 400; n++) {
      sampler.fill(rng, out, 0, p);
      const id = Math.floor(out[0]! / 10000);
      const image = images[id]!;
      const flat = Array.from(out, (v) => v - id * 10000);
      const rows = flat.map((v) => Math.floor(v / image.width));
      const cols = flat.map((v) => v % image.width);
      const top = Math.min(...rows);
      const left = Math.min(...cols);
      // In bounds: the crop lies inside the image.
      expect(top).toBeGreaterThanOrEqual(0);
      expect(left).toBeGreaterThanOrEqual(0);
      expect(Math.max(...rows)).toBeLessThanOrEqual(Math.min(top + p - 1, image.height - 1));
      expect(Math.max(...cols)).toBeLessThanOrEqual(Math.min(left + p - 1, image.width - 1));
      const crop: number[] = [];
      for (let y = 0; y < p; y++)
        for (let x = 0; x < p; x++) crop.push((top + y) * image.width + left + x);
      const k = [0, 1, 2, 3, 4, 5, 6, 7].find(
        (t) => Array.from(dihedral(crop, p, p, 1, t).data).join() === flat.join(),
      );
      expect(k, 'patch is a dihedral transform of a crop').toBeDefined();
      seenTransforms.add(k!);
      corners.add(`${id}:${top}:${left}`);
    }
    expect(seenTransforms.size).toBe(8);
    // Corners reach the far edges too (no off-by-one that never samples the last row/column).
    expect(corners.has(`0:${9 - 5}:${13 - 5}`) || corners.has('0:4:8')).toBe(true);
  });

  it('draws every patch position equally often, so larger images give more patches', () => {
    // 10x10 has 36 positions of a 5x5 patch, 30x30 has 676.
    const sampler = poolSampler([indexImage(10, 10, 0), indexImage(30, 30, 1)], { augment: false });
    const rng = new Rng(9);
    const out = new Float32Array(25);
    let fromSmall = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      sampler.fill(rng, out, 0, 5);
      if (out[0]! < 10000) fromSmall++;
    }
    const p = 36 / (36 + 676);
    expect(Math.abs(fromSmall / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('without augmentation patches are plain crops', () => {
    const sampler = poolSampler([indexImage(6, 6, 0)], { augment: false });
    const out = new Float32Array(9);
    const rng = new Rng(1);
    for (let n = 0; n < 50; n++) {
      sampler.fill(rng, out, 0, 3);
      expect(out[1]! - out[0]!).toBe(1);
      expect(out[3]! - out[0]!).toBe(6);
    }
  });

  it('rejects images smaller than the patch, naming one', () => {
    const small = { ...indexImage(10, 30, 0), source: '/data/tiny.png' };
    expect(() => poolSampler([small], { augment: true }).check(16)).toThrow(DatasetError);
    expect(() => poolSampler([small], { augment: true }).check(16)).toThrow(
      /tiny\.png is 30x10, smaller than the 16x16/,
    );
  });
});
