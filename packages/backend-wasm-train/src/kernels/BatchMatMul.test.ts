import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  randn,
  useWasm,
} from './compare-backends.test-helpers.js';

const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [4, 5, 7], b: [7, 3], ta: false, tb: false }, // batched A, shared B: rows folded
  { a: [4, 7, 5], b: [1, 3, 7], ta: true, tb: true },
  { a: [2, 3, 5, 9], b: [2, 3, 9, 6], ta: false, tb: false }, // per-batch GEMMs
  { a: [6, 9, 5], b: [6, 6, 9], ta: true, tb: true },
  { a: [1, 5, 9], b: [4, 9, 6], ta: false, tb: false }, // shared A, batched B
  { a: [3, 1, 8], b: [3, 8, 1], ta: false, tb: false }, // vector products
];

describe('BatchMatMul on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: ${c.a}${c.ta ? 'ᵀ' : ''} × ${c.b}${c.tb ? 'ᵀ' : ''}`, async () => {
      await expectSameOnCpuAndWasm(() => tf.matMul(randn(c.a, i), randn(c.b, 50 + i), c.ta, c.tb));
    });
  }

  it('differentiates batched attention-style products like cpu and finite differences', async () => {
    const f = (q: tf.Tensor, k: tf.Tensor) =>
      tf
        .softmax(tf.matMul(q, k, false, true))
        .matMul(k)
        .mul(randn([2, 6, 4], 9))
        .sum() as tf.Scalar;
    await expectSameOnCpuAndWasm(() => tf.grads(f)([randn([2, 6, 4], 1), randn([2, 6, 4], 2)]));
    const k = randn([2, 6, 4], 2);
    const q = randn([2, 6, 4], 1);
    expectGradMatchesFiniteDifferences((v) => f(v, k), q);
    tf.dispose([k, q]);
  });
});
