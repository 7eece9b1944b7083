import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  randn,
  runOn,
  useWasm,
} from './compare-backends.test-helpers.js';

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(useWasm);

  it('matches cpu for repeated and unused segments', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.unsortedSegmentSum(randn([6, 5, 3], 1), tf.tensor1d([3, 0, 3, 1, 0, 3], 'int32'), 5),
    );
    await expectSameOnCpuAndWasm(
      () =>
        tf.unsortedSegmentSum(
          tf.tensor1d([1, 2, 3, 4], 'int32'),
          tf.tensor1d([1, 1, 0, 1], 'int32'),
          2,
        ),
      0,
    );
  });

  it('drops negative ids', async () => {
    const [out] = await runOn('wasm', () =>
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 4]), tf.tensor1d([0, -1, 0], 'int32'), 2),
    );
    expect(Array.from(out!.values)).toEqual([5, 0]);
  });

  it('gives tf.gather the gradient cpu gives, and finite differences agree', async () => {
    const indices = [0, 2, 1, 0, 4, 2];
    await expectSameOnCpuAndWasm(() =>
      tf.grad((x) =>
        tf
          .gather(x, tf.tensor1d(indices, 'int32'))
          .mul(randn([6, 3], 2))
          .sum(),
      )(randn([5, 3], 1)),
    );
    const weights = randn([6, 3], 2);
    const x = randn([5, 3], 1);
    expectGradMatchesFiniteDifferences(
      (v) => tf.gather(v, tf.tensor1d(indices, 'int32')).mul(weights).sum() as tf.Scalar,
      x,
    );
    tf.dispose([weights, x]);
  });
});
