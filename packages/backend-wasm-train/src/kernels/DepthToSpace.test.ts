import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, useWasm } from './compare-backends.test-helpers.js';

describe('DepthToSpace on wasm', () => {
  beforeAll(useWasm);

  for (const [i, [shape, block]] of (
    [
      [[2, 3, 5, 8], 2],
      [[1, 4, 3, 27], 3],
      [[3, 2, 2, 4], 2],
    ] as [number[], number][]
  ).entries()) {
    it(`matches cpu: ${shape}, block ${block}`, async () => {
      await expectSameOnCpuAndWasm(() => tf.depthToSpace(randn(shape, i) as tf.Tensor4D, block), 0);
    });
  }
});
