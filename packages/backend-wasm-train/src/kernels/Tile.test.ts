import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, runOn, useWasm } from './compare-backends.test-helpers.js';

const cases: { shape: number[]; reps: number[] }[] = [
  { shape: [5], reps: [3] },
  { shape: [1, 1, 1, 7], reps: [3, 4, 5, 1] },
  { shape: [3, 1, 1, 6], reps: [1, 5, 4, 1] },
  { shape: [2, 3, 4, 1], reps: [1, 1, 1, 5] },
  { shape: [2, 3], reps: [2, 3] },
  { shape: [2, 1, 3, 2, 2], reps: [2, 3, 1, 2, 1] },
  { shape: [4, 5], reps: [1, 1] },
  { shape: [1, 3, 4, 5, 1], reps: [4, 1, 1, 1, 1] }, // the direct encoding of T time steps
  { shape: [2, 3, 1, 4], reps: [1, 1, 3, 1] },
  { shape: [], reps: [] },
];

describe('Tile on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: shape ${c.shape}, reps ${c.reps}`, async () => {
      await expectSameOnCpuAndWasm(() => tf.tile(randn(c.shape, i), c.reps), 0);
    });
  }

  it('tiles int32 and bool', async () => {
    const [ints, bools] = await runOn('wasm', () => [
      tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [1, 2]),
      tf.tile(tf.tensor1d([true, false], 'bool'), [2]),
    ]);
    expect(Array.from(ints!.values)).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(Array.from(bools!.values)).toEqual([1, 0, 1, 0]);
  });

  it('differentiates batch norm like cpu (its gradient tiles the scale)', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grads((x, g, b) => {
        const m = tf.moments(x, [0, 1, 2]);
        return tf
          .batchNorm(x, m.mean, m.variance, b, g, 1e-5)
          .mul(randn([2, 5, 6, 3], 9))
          .sum();
      })([randn([2, 5, 6, 3], 1), randn([3], 2), randn([3], 3)]),
    );
  });
});
