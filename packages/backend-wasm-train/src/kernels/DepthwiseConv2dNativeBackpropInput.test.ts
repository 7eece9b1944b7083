import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import { depthwiseCases, onCpu, spreadTaps } from './depthwise-cases.test-helpers.js';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  kernel,
  randn,
  useWasm,
} from './compare-backends.test-helpers.js';

describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of depthwiseCases.entries()) {
    it(`matches cpu: dx ${c.x}, filter ${c.f}, stride ${c.s}, dilation ${c.d}, ${c.pad}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const w = randn(c.f, 100 + i);
        const probe = tf.depthwiseConv2d(
          tf.zeros(c.x) as tf.Tensor4D,
          w as tf.Tensor4D,
          c.s,
          c.pad,
          'NHWC',
          c.d,
        );
        const dy = randn(probe.shape, 200 + i);
        const reference = onCpu() && c.d > 1;
        return kernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy, filter: reference ? spreadTaps(w, c.d) : w },
          { strides: c.s, dilations: reference ? 1 : c.d, pad: c.pad, inputShape: c.x },
        );
      });
    });
  }

  it('gives depthwiseConv2d input gradients that match cpu and finite differences', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grad((x) =>
        tf
          .depthwiseConv2d(x as tf.Tensor4D, randn([3, 3, 3, 2], 2) as tf.Tensor4D, 2, 'same')
          .mul(randn([2, 4, 3, 6], 3))
          .sum(),
      )(randn([2, 7, 6, 3], 1)),
    );
    const x = randn([2, 7, 6, 3], 1);
    const w = randn([3, 3, 3, 2], 2) as tf.Tensor4D;
    const weights = randn([2, 4, 3, 6], 3);
    expectGradMatchesFiniteDifferences(
      (v) =>
        tf
          .depthwiseConv2d(v as tf.Tensor4D, w, 2, 'same')
          .mul(weights)
          .sum() as tf.Scalar,
      x,
    );
    tf.dispose([x, w, weights]);
  });
});
