import { tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { hintsRegistry } from '../fixtures.test-helpers.js';

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe('losses used as hint matchers', () => {
  const registry = hintsRegistry();
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('mse and l1 give the hand-computed values', () => {
    const s = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const t = tf.tensor4d([1, 0, 3, 8], [1, 2, 2, 1]);
    expect(value(registry.create('loss', 'mse').compute(s, t))).toBeCloseTo(
      (0 + 4 + 0 + 16) / 4,
      6,
    );
    expect(value(registry.create('loss', 'l1').compute(s, t))).toBeCloseTo((0 + 2 + 0 + 4) / 4, 6);
    tf.dispose([s, t]);
  });

  it('cosine is 0 for parallel channel vectors and 1 for orthogonal ones', () => {
    const cos = registry.create('loss', 'cosine');
    const a = tf.tensor4d([1, 0, 2, 2], [1, 1, 2, 2]);
    const b = tf.tensor4d([3, 0, 0, 0.5], [1, 1, 2, 2]);
    // position 0: (1,0)·(3,0) parallel → 0; position 1: (2,2) vs (0,0.5) → 1 − 1/√2
    expect(value(cos.compute(a, b))).toBeCloseTo((0 + (1 - Math.SQRT1_2)) / 2, 5);
    tf.dispose([a, b]);
  });

  it('attention transfer compares normalised Σ_c F² maps and ignores channel counts', () => {
    const at = registry.create('loss', 'attention');
    const s = tf.tensor4d([3, 4, 0, 0], [1, 1, 2, 2]); // maps: [25, 0] → [1, 0]
    const t3 = tf.tensor4d([1, 1, 1, 0, 0, 0], [1, 1, 2, 3]); // maps: [3, 0] → [1, 0]
    expect(value(at.compute(s, t3))).toBeCloseTo(0, 6);
    const t4 = tf.tensor4d([0, 0, 0, 1, 0, 0], [1, 1, 2, 3]); // maps: [0, 1]
    expect(value(at.compute(s, t4))).toBeCloseTo((1 + 1) / 2, 5);
    tf.dispose([s, t3, t4]);
  });

  it('refuses feature maps of different shapes with both shapes in the message', () => {
    const s = tf.zeros([1, 4, 4, 2]);
    const t = tf.zeros([1, 4, 4, 3]);
    expect(() => registry.create('loss', 'mse').compute(s, t)).toThrow(
      "loss 'mse': target: expected shape [1, 4, 4, 2] (the prediction's), got [1, 4, 4, 3]",
    );
    const half = tf.zeros([1, 2, 2, 3]);
    expect(() => registry.create('loss', 'attention').compute(s, half)).toThrow(
      /differ in batch or spatial size/,
    );
    tf.dispose([s, t, half]);
  });
});

// charbonnier is √(d² + ε²): not zero for equal inputs; restoration's loss conformance covers it.
conformance(() => hintsRegistry(), 'loss', {
  skip: ['charbonnier'],
  checks: [
    {
      name: 'is zero for identical features, positive otherwise, differentiable, no leaks',
      run: async ({ instance }) => {
        const m = instance as import('@spikedistill/core').Loss;
        await tf.setBackend('cpu');
        // Matchers run inside the trainer's tape, which frees intermediates; here tidy does.
        await expectNoLeaks(() =>
          tf.tidy(() => {
            const a = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 1);
            const b = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 2);
            expect(m.compute(a, a).dataSync()[0]).toBeCloseTo(0, 5);
            expect(m.compute(a, b).dataSync()[0]).toBeGreaterThan(0);
            const g = tf.grad((x: tf.Tensor) => m.compute(x, b))(a);
            expect(g.dataSync().some((v) => v !== 0)).toBe(true);
          }),
        );
      },
    },
  ],
});
