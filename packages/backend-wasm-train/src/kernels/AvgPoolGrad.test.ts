import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  randn,
  useWasm,
} from './compare-backends.test-helpers.js';

const cases: {
  x: number[];
  k: number | [number, number];
  s: number | [number, number];
  pad: 'same' | 'valid';
}[] = [
  { x: [2, 8, 6, 3], k: 2, s: 2, pad: 'valid' }, // exact tiling: the fast path
  { x: [1, 9, 6, 5], k: [3, 2], s: [3, 2], pad: 'same' }, // exact tiling, 'same' with no padding
  { x: [2, 7, 7, 6], k: 2, s: 2, pad: 'valid' }, // leftover row and column
  { x: [2, 7, 7, 3], k: 3, s: 2, pad: 'same' }, // overlapping, padded
  { x: [3, 5, 9, 1], k: 3, s: 1, pad: 'valid' },
];

describe('AvgPoolGrad on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: x ${c.x}, window ${c.k}, stride ${c.s}, ${c.pad}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.x, i);
        const dy = randn(tf.avgPool(x as tf.Tensor4D, c.k, c.s, c.pad).shape, 50 + i);
        return tf.grad((v) =>
          tf
            .avgPool(v as tf.Tensor4D, c.k, c.s, c.pad)
            .mul(dy)
            .sum(),
        )(x);
      });
    });
  }

  it('matches finite differences', () => {
    const x = randn([2, 6, 4, 3], 3);
    const weights = randn([2, 3, 2, 3], 4);
    expectGradMatchesFiniteDifferences(
      (v) =>
        tf
          .avgPool(v as tf.Tensor4D, 2, 2, 'valid')
          .mul(weights)
          .sum() as tf.Scalar,
      x,
    );
    tf.dispose([x, weights]);
  });
});
