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

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of depthwiseCases.entries()) {
    it(`matches cpu: x ${c.x}, dW ${c.f}, stride ${c.s}, dilation ${c.d}, ${c.pad}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.x, i);
        const probe = tf.depthwiseConv2d(
          x as tf.Tensor4D,
          tf.zeros(c.f) as tf.Tensor4D,
          c.s,
          c.pad,
          'NHWC',
          c.d,
        );
        const dy = randn(probe.shape, 200 + i);
        if (!(onCpu() && c.d > 1)) {
          return kernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x, dy },
            {
              strides: c.s,
              dilations: c.d,
              pad: c.pad,
              filterShape: c.f,
            },
          );
        }
        const wide = spreadTaps(tf.zeros(c.f), c.d).shape;
        const dW = kernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x, dy },
          {
            strides: c.s,
            dilations: 1,
            pad: c.pad,
            filterShape: wide,
          },
        );
        return tf.stridedSlice(dW, [0, 0, 0, 0], wide, [c.d, c.d, 1, 1]);
      });
    });
  }

  it('gives depthwiseConv2d filter gradients that match cpu and finite differences', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grad((w) =>
        tf
          .depthwiseConv2d(randn([2, 7, 6, 3], 1) as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')
          .mul(randn([2, 4, 3, 6], 3))
          .sum(),
      )(randn([3, 3, 3, 2], 2)),
    );
    const x = randn([2, 7, 6, 3], 1) as tf.Tensor4D;
    const w = randn([3, 3, 3, 2], 2);
    const weights = randn([2, 4, 3, 6], 3);
    expectGradMatchesFiniteDifferences(
      (f) =>
        tf
          .depthwiseConv2d(x, f as tf.Tensor4D, 2, 'same')
          .mul(weights)
          .sum() as tf.Scalar,
      w,
    );
    tf.dispose([x, w, weights]);
  });
});
