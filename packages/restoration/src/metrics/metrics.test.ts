import { createRegistry, type Metric, tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { psnr8 } from './psnr.js';
import { ssim8 } from './ssim.js';

const makeRegistry = () => createRegistry({ packages: [{ name: 'r', register }] });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** An image from 8-bit values, as a [1, H, W, C] tensor in [0, 1]. */
function image8(values: ArrayLike<number>, h: number, w: number, c = 1): tf.Tensor4D {
  return tf.tensor4d(
    Float32Array.from(values, (v) => v / 255),
    [1, h, w, c],
  );
}

/** Deterministic 8-bit "texture" for tests. */
function texture(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) =>
    Math.floor(((((Math.sin(i * 12.9898 + seed) * 43758.5453) % 1) + 1) % 1) * 256),
  );
}

conformance(makeRegistry, 'metric', {
  checks: [
    {
      name: 'scores identical images as perfect, without tensor leaks',
      run: async ({ instance }) => {
        const metric = instance as Metric;
        const a = image8(texture(16 * 16, 1), 16, 16);
        await expectNoLeaks(() => {
          const v = metric.compute(a, a);
          expect(v === Number.POSITIVE_INFINITY || Math.abs(v - 1) < 1e-12).toBe(true);
        });
        a.dispose();
      },
    },
  ],
});

describe('psnr', () => {
  it('is Infinity for identical images (after rounding to 8 bits)', () => {
    const a = image8(new Array(64).fill(100), 8, 8);
    const b = tf.tidy(() => tf.add(a, 0.4 / 255));
    expect(psnr8(a, b)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is 10·log10(255²/k²) for a ±k pattern', () => {
    for (const k of [1, 5, 20]) {
      const target = new Array(8 * 8).fill(128);
      const noisy = target.map((v, i) => v + (i % 2 === 0 ? k : -k));
      expect(psnr8(image8(noisy, 8, 8), image8(target, 8, 8))).toBeCloseTo(
        10 * Math.log10(255 ** 2 / k ** 2),
        10,
      );
    }
  });

  it('clips to [0, 255] before measuring', () => {
    const p = tf.fill([1, 4, 4, 1], 1.5);
    const t = tf.ones([1, 4, 4, 1]);
    expect(psnr8(p, t)).toBe(Number.POSITIVE_INFINITY);
    const n = tf.fill([1, 4, 4, 1], -0.3);
    expect(psnr8(n, tf.fill([1, 4, 4, 1], 10 / 255))).toBeCloseTo(
      10 * Math.log10(255 ** 2 / 100),
      10,
    );
  });

  it('crops the border', () => {
    const t = new Array(8 * 8).fill(50);
    const p = t.map((v, i) => (Math.floor(i / 8) === 0 || i % 8 === 7 ? v + 30 : v));
    expect(psnr8(image8(p, 8, 8), image8(t, 8, 8), { crop: 1 })).toBe(Number.POSITIVE_INFINITY);
    // 15 of 64 pixels differ by 30.
    expect(psnr8(image8(p, 8, 8), image8(t, 8, 8))).toBeCloseTo(
      10 * Math.log10(255 ** 2 / ((15 * 900) / 64)),
      10,
    );
  });

  it('averages the squared error over all RGB channels', () => {
    // Only the green channel differs, by 6: MSE = 36 / 3.
    const t = new Array(4 * 4 * 3).fill(90);
    const p = t.map((v, i) => (i % 3 === 1 ? v + 6 : v));
    expect(psnr8(image8(p, 4, 4, 3), image8(t, 4, 4, 3))).toBeCloseTo(
      10 * Math.log10(255 ** 2 / 12),
      10,
    );
  });

  it("measures BT.601 luma with channels: 'y'", () => {
    // A gray shift of k moves Y by k·219/255 (the luma row sums to 219/255).
    const k = 10;
    const t = new Array(4 * 4 * 3).fill(100);
    const p = t.map((v) => v + k);
    const dy = (k * (65.481 + 128.553 + 24.966)) / 255;
    expect(psnr8(image8(p, 4, 4, 3), image8(t, 4, 4, 3), { channels: 'y' })).toBeCloseTo(
      10 * Math.log10(255 ** 2 / dy ** 2),
      10,
    );
    // A pure-blue change of 51 moves Y by 24.966·51/255.
    const pb = t.map((v, i) => (i % 3 === 2 ? v + 51 : v));
    expect(psnr8(image8(pb, 4, 4, 3), image8(t, 4, 4, 3), { channels: 'y' })).toBeCloseTo(
      10 * Math.log10(255 ** 2 / ((24.966 * 51) / 255) ** 2),
      10,
    );
  });

  it('rejects batches and mismatched shapes naming what it expected', () => {
    expect(() => psnr8(tf.zeros([2, 4, 4, 1]), tf.zeros([2, 4, 4, 1]))).toThrow(/\[1, H, W, C\]/);
    expect(() => psnr8(tf.zeros([4, 4, 1]), tf.zeros([4, 5, 1]))).toThrow(/target/);
  });
});

/**
 * Direct SSIM with its own loops: the 2-D window built from the Gaussian
 * formula, and the local moments as weighted sums of deviations (not via
 * E[x²] − μ² as the implementation does).
 */
function referenceSsim(a: number[], b: number[], h: number, w: number): number {
  const win: number[][] = [];
  let total = 0;
  for (let i = 0; i < 11; i++) {
    win.push([]);
    for (let j = 0; j < 11; j++) {
      const v = Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * 1.5 * 1.5));
      win[i]!.push(v);
      total += v;
    }
  }
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  let count = 0;
  for (let y = 0; y + 11 <= h; y++) {
    for (let x = 0; x + 11 <= w; x++) {
      let ma = 0;
      let mb = 0;
      for (let i = 0; i < 11; i++)
        for (let j = 0; j < 11; j++) {
          const wgt = win[i]![j]! / total;
          ma += wgt * a[(y + i) * w + x + j]!;
          mb += wgt * b[(y + i) * w + x + j]!;
        }
      let va = 0;
      let vb = 0;
      let cov = 0;
      for (let i = 0; i < 11; i++)
        for (let j = 0; j < 11; j++) {
          const wgt = win[i]![j]! / total;
          const da = a[(y + i) * w + x + j]! - ma;
          const db = b[(y + i) * w + x + j]! - mb;
          va += wgt * da * da;
          vb += wgt * db * db;
          cov += wgt * da * db;
        }
      sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count++;
    }
  }
  return sum / count;
}

describe('ssim', () => {
  it('is 1 for identical images, constant or not', () => {
    expect(
      ssim8(image8(new Array(144).fill(77), 12, 12), image8(new Array(144).fill(77), 12, 12)),
    ).toBe(1);
    const t = texture(20 * 16, 3);
    expect(ssim8(image8(t, 20, 16), image8(t, 20, 16))).toBeCloseTo(1, 12);
  });

  it('of two constant images is (2ab + C1)/(a² + b² + C1)', () => {
    const a = 100;
    const b = 140;
    const c1 = (0.01 * 255) ** 2;
    expect(
      ssim8(image8(new Array(144).fill(a), 12, 12), image8(new Array(144).fill(b), 12, 12)),
    ).toBeCloseTo((2 * a * b + c1) / (a * a + b * b + c1), 12);
  });

  it('matches a direct computation on a small textured pair', () => {
    const h = 14;
    const w = 13;
    const a = texture(h * w, 1);
    const b = a.map((v, i) => Math.min(255, Math.max(0, v + ((i * 37) % 41) - 20)));
    const expected = referenceSsim(a, b, h, w);
    expect(expected).toBeGreaterThan(0.3);
    expect(expected).toBeLessThan(0.99);
    expect(ssim8(image8(b, h, w), image8(a, h, w))).toBeCloseTo(expected, 12);
  });

  it('averages RGB channels and crops the border', () => {
    const h = 15;
    const w = 15;
    const planes = [texture(h * w, 1), texture(h * w, 2), texture(h * w, 3)];
    const noisy = planes.map((p, k) => p.map((v, i) => Math.min(255, v + ((i * (k + 3)) % 17))));
    const rgb = (ps: number[][]) =>
      image8(
        Array.from({ length: h * w * 3 }, (_, i) => ps[i % 3]![Math.floor(i / 3)]!),
        h,
        w,
        3,
      );
    const expected =
      [0, 1, 2].map((k) => referenceSsim(noisy[k]!, planes[k]!, h, w)).reduce((s, v) => s + v) / 3;
    expect(ssim8(rgb(noisy), rgb(planes))).toBeCloseTo(expected, 12);
    const crop = (p: number[]) =>
      p.filter(
        (_, i) =>
          Math.floor(i / w) >= 2 && Math.floor(i / w) < h - 2 && i % w >= 2 && i % w < w - 2,
      );
    expect(ssim8(image8(noisy[0]!, h, w), image8(planes[0]!, h, w), { crop: 2 })).toBeCloseTo(
      referenceSsim(crop(noisy[0]!), crop(planes[0]!), h - 4, w - 4),
      12,
    );
  });

  it('refuses images smaller than the window', () => {
    expect(() => ssim8(tf.zeros([1, 10, 20, 1]), tf.zeros([1, 10, 20, 1]))).toThrow(/11×11/);
  });
});
