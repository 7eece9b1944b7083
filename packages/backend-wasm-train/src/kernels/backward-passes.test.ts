import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  randn,
  useWasm,
} from './compare-backends.test-helpers.js';

/**
 * The backward passes of the layers the project's conv nets use, end to end
 * on wasm (whichever kernels they reach, ours or tfjs-wasm's), against cpu.
 */
const layers: Record<string, () => tf.Tensor | tf.Tensor[]> = {
  'conv + batch norm + relu': () =>
    tf.grads((x, w, g, b) => {
      const z = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
      const m = tf.moments(z, [0, 1, 2]);
      return tf
        .relu(tf.batchNorm(z, m.mean, m.variance, b, g, 1e-5))
        .mul(randn([2, 9, 7, 6], 9))
        .sum();
    })([randn([2, 9, 7, 5], 1), randn([3, 3, 5, 6], 2), randn([6], 3), randn([6], 4)]),
  'strided conv + leaky relu': () =>
    tf.grads((x, w) =>
      tf
        .leakyRelu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), 0.1)
        .mul(randn([1, 5, 4, 3], 9))
        .sum(),
    )([randn([1, 9, 7, 5], 1), randn([3, 3, 5, 3], 2)]),
  'transposed conv (upsampling)': () =>
    tf.grads((x, w) =>
      tf
        .conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 10, 14, 3], 2, 'same')
        .mul(randn([2, 10, 14, 3], 9))
        .sum(),
    )([randn([2, 5, 7, 6], 1), randn([2, 2, 3, 6], 2)]),
  'avg pool and max pool': () =>
    tf.grad((x) =>
      tf
        .avgPool(x as tf.Tensor4D, 2, 2, 'valid')
        .add(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'))
        .mul(randn([2, 4, 3, 5], 9))
        .sum(),
    )(randn([2, 8, 7, 5], 1)),
  'depthwise separable conv': () =>
    tf.grads((x, d, p) =>
      tf
        .separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same')
        .mul(randn([2, 7, 6, 4], 9))
        .sum(),
    )([randn([2, 7, 6, 3], 1), randn([3, 3, 3, 2], 2), randn([1, 1, 6, 4], 3)]),
  'concat and split (skip connections)': () =>
    tf.grads((a, b) => {
      const [p, q] = tf.split(tf.concat([a, b], 3), [4, 3], 3);
      return p!
        .mul(randn([2, 5, 5, 4], 8))
        .sum()
        .add(q!.square().sum());
    })([randn([2, 5, 5, 3], 1), randn([2, 5, 5, 4], 2)]),
  // cpu's ResizeBilinearGrad breaks on non-square images and its
  // ResizeNearestNeighborGrad on batches > 1: compared square, batch 1 here,
  // and against finite differences below.
  'resize bilinear and nearest (batch 1, square)': () =>
    tf.grad((x) =>
      tf.image
        .resizeBilinear(x as tf.Tensor4D, [10, 10])
        .add(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [10, 10]))
        .mul(randn([1, 10, 10, 3], 9))
        .sum(),
    )(randn([1, 5, 5, 3], 1)),
  'mean, abs, mirror pad (losses and padding)': () =>
    tf.grad((x) =>
      tf.mean(
        tf.abs(
          tf
            .mirrorPad(
              x,
              [
                [0, 0],
                [1, 1],
                [2, 2],
                [0, 0],
              ],
              'reflect',
            )
            .sub(0.1),
        ),
      ),
    )(randn([2, 5, 6, 3], 1)),
};

describe('backward passes of conv-net layers on wasm', () => {
  beforeAll(useWasm);

  for (const [name, fn] of Object.entries(layers)) {
    it(`${name}: same gradients as cpu`, async () => {
      await expectSameOnCpuAndWasm(fn);
    });
  }

  it('resize gradients match finite differences on non-square batches', () => {
    const weights = randn([2, 10, 14, 3], 9);
    for (const resize of [tf.image.resizeBilinear, tf.image.resizeNearestNeighbor]) {
      const x = randn([2, 5, 7, 3], 1);
      expectGradMatchesFiniteDifferences(
        (v) =>
          resize(v as tf.Tensor4D, [10, 14])
            .mul(weights)
            .sum() as tf.Scalar,
        x,
      );
      x.dispose();
    }
    weights.dispose();
  });
});
