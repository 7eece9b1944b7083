import { corePackage, createRegistry, type Loss, tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { dft2d } from './fft.js';

const makeRegistry = () => createRegistry({ packages: [corePackage, { name: 'r', register }] });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

conformance(makeRegistry, 'loss', {
  setup: async () => {
    await tf.setBackend('cpu');
  },
  checks: [
    {
      name: 'gives a finite scalar, zero for equal inputs, with gradients and no leaks',
      run: async ({ instance }) => {
        const loss = instance as Loss;
        await expectNoLeaks(() => {
          const p = tf.randomUniform([2, 8, 6, 3], 0, 1, 'float32', 1);
          const t = tf.randomUniform([2, 8, 6, 3], 0, 1, 'float32', 2);
          const v = loss.compute(p, t);
          expect(v.shape).toEqual([]);
          expect(Number.isFinite(v.dataSync()[0])).toBe(true);
          const same = loss.compute(p, p);
          expect(same.dataSync()[0]).toBeLessThan(2e-3);
          const g = tf.grad((x: tf.Tensor) => loss.compute(x, t))(p);
          expect(g.shape).toEqual(p.shape);
          expect(tf.tidy(() => tf.sum(tf.abs(g)).arraySync())).toBeGreaterThan(0);
          tf.dispose([p, t, v, same, g]);
        });
      },
    },
  ],
});

describe('pointwise losses', () => {
  const registry = makeRegistry();
  const p = () => tf.tensor4d([0, 0.5, 1, 0.25], [1, 2, 2, 1]);
  const t = () => tf.tensor4d([0.5, 0.5, 0, 0.75], [1, 2, 2, 1]);

  it('l1, mse and charbonnier match hand-computed values', () => {
    const [a, b] = [p(), t()];
    // |d| = 0.5, 0, 1, 0.5
    expect(registry.create('loss', 'l1').compute(a, b).dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(registry.create('loss', 'mse').compute(a, b).dataSync()[0]).toBeCloseTo(
      (0.25 + 0 + 1 + 0.25) / 4,
      6,
    );
    const eps = 0.1;
    const expected =
      [0.5, 0, 1, 0.5].map((d) => Math.sqrt(d * d + eps * eps)).reduce((s, v) => s + v) / 4;
    expect(registry.create('loss', 'charbonnier', { eps }).compute(a, b).dataSync()[0]).toBeCloseTo(
      expected,
      6,
    );
  });

  it('rejects mismatched shapes with E_SHAPE', () => {
    const l1 = registry.create('loss', 'l1');
    expect(() => l1.compute(tf.zeros([1, 2, 2, 1]), tf.zeros([1, 2, 2, 3]))).toThrow(
      /E_SHAPE|expected shape/,
    );
  });

  it('carries the weight option', () => {
    expect(registry.create('loss', 'charbonnier', { weight: 0.5 }).weight).toBe(0.5);
    expect(registry.create('loss', 'l1').weight).toBe(1);
  });
});

/** A direct O(N²) 2-D DFT of one plane, in float64. */
function referenceDft(plane: number[][]): { re: number[][]; im: number[][] } {
  const h = plane.length;
  const w = plane[0]!.length;
  const re = Array.from({ length: h }, () => new Array<number>(w).fill(0));
  const im = Array.from({ length: h }, () => new Array<number>(w).fill(0));
  for (let u = 0; u < h; u++)
    for (let v = 0; v < w; v++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const a = -2 * Math.PI * ((u * y) / h + (v * x) / w);
          re[u]![v]! += plane[y]![x]! * Math.cos(a);
          im[u]![v]! += plane[y]![x]! * Math.sin(a);
        }
  return { re, im };
}

describe('fft loss', () => {
  const registry = makeRegistry();

  it('dft2d equals a direct DFT and tf.spectral.fft2 of each channel', () => {
    const h = 5;
    const w = 6;
    const data = Array.from({ length: h * w * 2 }, (_, i) => Math.sin(i * 1.7) + (i % 3) * 0.2);
    const x = tf.tensor4d(data, [1, h, w, 2]);
    const { re, im } = dft2d(x);
    const reArr = re.arraySync();
    const imArr = im.arraySync();
    for (let c = 0; c < 2; c++) {
      const plane = Array.from({ length: h }, (_, y) =>
        Array.from({ length: w }, (_, xx) => data[(y * w + xx) * 2 + c]!),
      );
      const ref = referenceDft(plane);
      for (let u = 0; u < h; u++)
        for (let v = 0; v < w; v++) {
          // dft2d lays out [plane, freq along W, freq along H].
          expect(reArr[c]![v]![u]).toBeCloseTo(ref.re[u]![v]!, 4);
          expect(imArr[c]![v]![u]).toBeCloseTo(ref.im[u]![v]!, 4);
        }
    }
    // tfjs's own FFT (forward only) agrees on channel 0.
    const plane0 = tf.tidy(() =>
      tf.complex(tf.squeeze(tf.slice(x, [0, 0, 0, 0], [1, h, w, 1])), tf.zeros([h, w])),
    );
    const rows = tf.spectral.fft(plane0);
    const full = tf.tidy(() => tf.transpose(tf.spectral.fft(tf.transpose(rows))));
    const fr = tf.real(full).arraySync() as number[][];
    for (let u = 0; u < h; u++)
      for (let v = 0; v < w; v++) expect(reArr[0]![v]![u]).toBeCloseTo(fr[u]![v]!, 3);
    tf.dispose([x, re, im, plane0, rows, full]);
  });

  it('equals (mean|ΔRe| + mean|ΔIm|)/2 of the direct DFT, onesided and ortho too', () => {
    const h = 4;
    const w = 4;
    const d = Array.from({ length: h * w }, (_, i) => ((i * 7) % 5) / 5 - 0.4);
    const ref = referenceDft(Array.from({ length: h }, (_, y) => d.slice(y * w, y * w + w)));
    const meanAbs = (m: number[][], cols: number) =>
      m.flatMap((row) => row.slice(0, cols)).reduce((s, v) => s + Math.abs(v), 0) / (h * cols);
    const expectedFull = (meanAbs(ref.re, w) + meanAbs(ref.im, w)) / 2;
    const expectedHalf = (meanAbs(ref.re, 3) + meanAbs(ref.im, 3)) / 2;
    const p = tf.tensor4d(d, [1, h, w, 1]);
    const t = tf.zeros([1, h, w, 1]);
    expect(registry.create('loss', 'fft').compute(p, t).dataSync()[0]).toBeCloseTo(expectedFull, 4);
    expect(
      registry.create('loss', 'fft', { onesided: true }).compute(p, t).dataSync()[0],
    ).toBeCloseTo(expectedHalf, 4);
    expect(
      registry.create('loss', 'fft', { norm: 'ortho' }).compute(p, t).dataSync()[0],
    ).toBeCloseTo(expectedFull / Math.sqrt(h * w), 4);
  });

  it('has the gradient that finite differences give', () => {
    const loss = registry.create('loss', 'fft');
    const base = Array.from({ length: 3 * 4 }, (_, i) => Math.cos(i * 0.9) * 0.3);
    const t = tf.zeros([1, 3, 4, 1]);
    const f = (v: number[]) =>
      tf.tidy(() => loss.compute(tf.tensor4d(v, [1, 3, 4, 1]), t).dataSync()[0]!);
    const g = tf
      .grad((x: tf.Tensor) => loss.compute(x, t))(tf.tensor4d(base, [1, 3, 4, 1]))
      .dataSync();
    const h = 1e-3;
    for (let i = 0; i < base.length; i++) {
      const up = base.slice();
      const down = base.slice();
      up[i]! += h;
      down[i]! -= h;
      expect(g[i]).toBeCloseTo((f(up) - f(down)) / (2 * h), 2);
    }
  });
});
