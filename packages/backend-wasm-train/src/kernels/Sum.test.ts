import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, runOn, useWasm } from './compare-backends.test-helpers.js';
import { reductionCases } from './reduction-cases.test-helpers.js';

describe('Sum on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of reductionCases.entries()) {
    it(`matches cpu: shape ${c.shape}, axis ${c.axis}${c.keepDims ? ', keepDims' : ''}`, async () => {
      await expectSameOnCpuAndWasm(() => tf.sum(randn(c.shape, i), c.axis, c.keepDims));
    });
  }

  it('sums int32 exactly (tfjs-wasm kernel)', async () => {
    const [out] = await runOn('wasm', () =>
      tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0),
    );
    expect(Array.from(out!.values)).toEqual([9, 12]);
  });

  it('differentiates like cpu', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grad((x) =>
        tf
          .sum(x, [0, 1])
          .mul(randn([3], 5))
          .sum(),
      )(randn([4, 5, 3], 4)),
    );
  });
});
