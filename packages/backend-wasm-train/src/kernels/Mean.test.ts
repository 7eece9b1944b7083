import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, useWasm } from './compare-backends.test-helpers.js';
import { reductionCases } from './reduction-cases.test-helpers.js';

describe('Mean on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of reductionCases.entries()) {
    it(`matches cpu: shape ${c.shape}, axis ${c.axis}${c.keepDims ? ', keepDims' : ''}`, async () => {
      await expectSameOnCpuAndWasm(() => tf.mean(randn(c.shape, i), c.axis, c.keepDims));
    });
  }

  it('gives moments (batch norm statistics) like cpu, with gradients', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grad((x) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return mean
          .mul(randn([5], 3))
          .sum()
          .add(variance.sum());
      })(randn([2, 6, 7, 5], 4)),
    );
  });
});
