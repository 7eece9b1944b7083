import { createRegistry, type Loss, tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { crossEntropy } from './cross-entropy.js';
import { klDivergence } from './kl-div.js';

const makeRegistry = () => createRegistry({ packages: [{ name: 'c', register }] });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A target of the kind the loss declares (`meta.target`): labels [N] or logits [N, K]. */
function targetFor(kind: unknown, n: number, k: number): tf.Tensor {
  return kind === 'labels'
    ? tf.tensor1d(
        Array.from({ length: n }, (_, i) => i % k),
        'int32',
      )
    : tf.randomNormal([n, k], 0, 2, 'float32', 9);
}

conformance(makeRegistry, 'loss', {
  setup: async () => {
    await tf.setBackend('cpu');
  },
  checks: [
    {
      name: 'gives a finite non-negative scalar with a gradient into the logits, without leaks',
      run: async ({ instance, plugin }) => {
        const loss = instance as Loss;
        await expectNoLeaks(() => {
          const logits = tf.randomNormal([5, 4], 0, 2, 'float32', 1);
          const target = targetFor(plugin.meta?.['target'], 5, 4);
          const v = loss.compute(logits, target);
          expect(v.shape).toEqual([]);
          expect(v.dataSync()[0]).toBeGreaterThanOrEqual(0);
          const g = tf.grad((z: tf.Tensor) => loss.compute(z, target))(logits);
          expect(g.shape).toEqual([5, 4]);
          expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!)).toBeGreaterThan(0);
          tf.dispose([logits, target, v, g]);
        });
      },
    },
    {
      name: 'says that an image prediction is not logits',
      run: ({ instance, plugin }) => {
        const loss = instance as Loss;
        const image = tf.zeros([4, 8, 8, 3]);
        const target = targetFor(plugin.meta?.['target'], 4, 3);
        expect(() => loss.compute(image, target)).toThrow(/E_SHAPE|expected|logits/);
        tf.dispose([image, target]);
      },
    },
  ],
});

/** Central finite differences of a scalar function of logits, one coordinate at a time. */
function finiteDifferences(f: (z: tf.Tensor) => tf.Scalar, z: Float32Array, shape: number[]) {
  const h = 1e-2;
  return Array.from(z, (_, i) => {
    const at = (d: number) =>
      tf.tidy(() => {
        const moved = z.slice();
        moved[i]! += d;
        return f(tf.tensor(moved, shape)).dataSync()[0]!;
      });
    return (at(h) - at(-h)) / (2 * h);
  });
}

describe('cross-entropy', () => {
  const logits = () =>
    tf.tensor2d(
      [
        [1, 2, 3],
        [1, 1, 1],
      ],
      [2, 3],
    );
  const labels = () => tf.tensor1d([2, 0], 'int32');

  it('matches hand-computed values, with and without label smoothing', () => {
    // Row 1: log(e + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²) = 0.407606; row 2: log 3 = 1.098612.
    const r1 = Math.log(1 + Math.exp(-1) + Math.exp(-2));
    const r2 = Math.log(3);
    tf.tidy(() => {
      expect(crossEntropy(logits(), labels()).dataSync()[0]).toBeCloseTo((r1 + r2) / 2, 6);
      expect((r1 + r2) / 2).toBeCloseTo(0.7531091, 6);
      // ε = 0.3, K = 3: q = 0.7·one-hot + 0.1; row 1: 0.8·r1 + 0.1·(r1 + 1) + 0.1·(r1 + 2).
      const smoothed = (0.8 * r1 + 0.1 * (r1 + 1) + 0.1 * (r1 + 2) + r2) / 2;
      expect(smoothed).toBeCloseTo(0.9031091, 6);
      const plugin = makeRegistry().create('loss', 'cross-entropy', { labelSmoothing: 0.3 });
      expect(plugin.compute(logits(), labels()).dataSync()[0]).toBeCloseTo(smoothed, 6);
    });
  });

  it('its gradient is (softmax − q)/N and agrees with finite differences', () => {
    const z = tf.randomNormal([3, 5], 0, 1.5, 'float32', 4);
    const y = tf.tensor1d([4, 0, 2], 'int32');
    for (const eps of [0, 0.2]) {
      const f = (t: tf.Tensor) => crossEntropy(t, y, eps);
      const g = tf.grad(f)(z);
      const closed = tf.tidy(() =>
        tf.div(
          tf.sub(tf.softmax(z as tf.Tensor2D), tf.add(tf.mul(tf.oneHot(y, 5), 1 - eps), eps / 5)),
          3,
        ),
      );
      const fd = finiteDifferences(f, z.dataSync() as Float32Array, [3, 5]);
      const analytic = g.dataSync();
      closed.dataSync().forEach((c, i) => {
        expect(analytic[i]).toBeCloseTo(c, 6);
        expect(analytic[i]).toBeCloseTo(fd[i]!, 3);
      });
      tf.dispose([g, closed]);
    }
    tf.dispose([z, y]);
  });

  it('refuses images, float labels and labels that are not class indices', () => {
    const image = tf.zeros([4, 32, 32, 3]);
    const y4 = tf.tensor1d([0, 1, 2, 3], 'int32');
    expect(() => crossEntropy(image, y4)).toThrow(
      'cross-entropy: expected logits [N, classes], got [4, 32, 32, 3] (an image: the model is a restoration backbone',
    );
    const z = tf.zeros([4, 3]);
    expect(() => crossEntropy(z, y4)).toThrow(
      'label 3 at position 3 is not a class index in [0, 3)',
    );
    const floats = tf.tensor1d([0, 1, 2, 0]);
    expect(() => crossEntropy(z, floats)).toThrow(
      'labels must be int32 class indices, got dtype float32',
    );
    const short = tf.tensor1d([0, 1], 'int32');
    expect(() => crossEntropy(z, short)).toThrow(/labels: expected shape \[4\]/);
    tf.dispose([image, y4, z, floats, short]);
  });
});

describe('kl-div', () => {
  it('matches hand-computed values: KL(p ‖ q) at τ = 1, and τ²·KL at τ = 2', () => {
    tf.tidy(() => {
      const student = tf.tensor2d([[0, 0]]);
      const teacher = tf.tensor2d([[Math.log(3), 0]]);
      // τ = 1: p = (3/4, 1/4), q = (1/2, 1/2).
      const kl1 = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
      expect(klDivergence(student, teacher, 1).dataSync()[0]).toBeCloseTo(kl1, 6);
      expect(kl1).toBeCloseTo(0.130812, 6);
      // τ = 2: p = (√3, 1)/(√3 + 1).
      const p = Math.sqrt(3) / (Math.sqrt(3) + 1);
      const kl2 = p * Math.log(2 * p) + (1 - p) * Math.log(2 * (1 - p));
      const plugin = makeRegistry().create('loss', 'kl-div', { temperature: 2 });
      expect(plugin.compute(student, teacher).dataSync()[0]).toBeCloseTo(4 * kl2, 6);
      expect(4 * kl2).toBeCloseTo(0.1453631, 6);
      const unscaled = makeRegistry().create('loss', 'kl-div', { temperature: 2, scale: false });
      expect(unscaled.compute(student, teacher).dataSync()[0]).toBeCloseTo(kl2, 6);
    });
  });

  it('is zero for equal logits and its student gradient is τ·(q − p)/N, as finite differences say', () => {
    const s = tf.randomNormal([2, 4], 0, 2, 'float32', 1);
    const t = tf.randomNormal([2, 4], 0, 2, 'float32', 2);
    expect(tf.tidy(() => klDivergence(t, t, 3).dataSync()[0])).toBeCloseTo(0, 6);
    const f = (z: tf.Tensor) => klDivergence(z, t, 3);
    const g = tf.grad(f)(s);
    const closed = tf.tidy(() =>
      tf.mul(
        tf.sub(tf.softmax(tf.div(s, 3) as tf.Tensor2D), tf.softmax(tf.div(t, 3) as tf.Tensor2D)),
        3 / 2,
      ),
    );
    const fd = finiteDifferences(f, s.dataSync() as Float32Array, [2, 4]);
    const analytic = g.dataSync();
    closed.dataSync().forEach((c, i) => {
      expect(analytic[i]).toBeCloseTo(c, 5);
      expect(analytic[i]).toBeCloseTo(fd[i]!, 3);
    });
    tf.dispose([s, t, g, closed]);
  });

  it('needs logits of equal shape', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => klDivergence(a, b)).toThrow(/kl-div: student and teacher logits/);
    tf.dispose([a, b]);
  });
});
