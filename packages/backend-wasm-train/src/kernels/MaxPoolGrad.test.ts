import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  randn,
  runOn,
  useWasm,
} from './compare-backends.test-helpers.js';

const cases: {
  x: number[];
  k: number | [number, number];
  s: number | [number, number];
  pad: 'same' | 'valid';
}[] = [
  { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' },
  { x: [1, 7, 9, 5], k: 3, s: 2, pad: 'same' },
  { x: [2, 7, 7, 6], k: 3, s: 1, pad: 'same' },
  { x: [3, 9, 6, 1], k: [3, 2], s: [2, 1], pad: 'valid' },
  { x: [1, 5, 5, 7], k: 2, s: 2, pad: 'same' },
];

describe('MaxPoolGrad on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: x ${c.x}, window ${c.k}, stride ${c.s}, ${c.pad}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.x, i);
        const dy = randn(tf.maxPool(x as tf.Tensor4D, c.k, c.s, c.pad).shape, 50 + i);
        return tf.grad((v) =>
          tf
            .maxPool(v as tf.Tensor4D, c.k, c.s, c.pad)
            .mul(dy)
            .sum(),
        )(x);
      });
    });
  }

  it('routes the gradient of an all-negative window to its maximum', async () => {
    const [grad] = await runOn('wasm', () => {
      const x = tf.tensor4d([-3, -1, -2, -5, -0.5, -4, -6, -7], [1, 2, 4, 1]);
      return tf.grad((v) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(x);
    });
    // Window maxima: −0.5 (index 4) and −2 (index 2).
    expect(Array.from(grad!.values)).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
  });

  it('matches cpu where every window is negative', async () => {
    await expectSameOnCpuAndWasm(() => {
      const x = randn([2, 9, 9, 5], 9).abs().neg().sub(0.1);
      return tf.grad((v) => tf.maxPool(v as tf.Tensor4D, 3, 2, 'same').sum())(x);
    });
  });

  it('matches finite differences', () => {
    const x = randn([1, 6, 6, 2], 3);
    const weights = randn([1, 3, 3, 2], 4);
    expectGradMatchesFiniteDifferences(
      (v) =>
        tf
          .maxPool(v as tf.Tensor4D, 2, 2, 'valid')
          .mul(weights)
          .sum() as tf.Scalar,
      x,
      { eps: 1e-3 },
    );
    tf.dispose([x, weights]);
  });
});
