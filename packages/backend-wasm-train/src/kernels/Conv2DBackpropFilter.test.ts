import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  kernel,
  randn,
  useWasm,
} from './compare-backends.test-helpers.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
const cases: { x: number[]; f: [number, number, number, number]; s: number; pad: Pad }[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 5], s: 1, pad: 'same' },
  { x: [1, 8, 10, 4], f: [3, 3, 4, 7], s: 2, pad: 'same' },
  { x: [3, 7, 9, 5], f: [3, 3, 5, 6], s: 2, pad: 'valid' },
  { x: [2, 10, 8, 6], f: [2, 2, 6, 3], s: 2, pad: 'valid' },
  { x: [1, 11, 13, 1], f: [5, 3, 1, 2], s: 1, pad: 'valid' },
  { x: [2, 9, 7, 3], f: [4, 4, 3, 1], s: 2, pad: 'same' },
  {
    x: [2, 6, 7, 2],
    f: [3, 3, 2, 3],
    s: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { x: [2, 12, 12, 8], f: [1, 1, 8, 12], s: 2, pad: 'valid' },
  // Stride 1 with both sides wider than 4 channels: the per-image GEMM path.
  { x: [2, 9, 8, 6], f: [3, 3, 6, 7], s: 1, pad: 'same' },
  { x: [1, 7, 10, 5], f: [3, 3, 5, 9], s: 1, pad: 'valid' },
  // Stride 1, thin output: the transposed im2col path.
  { x: [2, 8, 9, 6], f: [3, 3, 6, 1], s: 1, pad: 'same' },
  {
    x: [2, 7, 6, 7],
    f: [5, 3, 7, 3],
    s: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
];

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: x ${c.x}, filter ${c.f}, stride ${c.s}, pad ${JSON.stringify(c.pad)}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.x, i);
        const probe = tf.conv2d(x as tf.Tensor4D, randn(c.f, 100 + i) as tf.Tensor4D, c.s, c.pad);
        const dy = randn(probe.shape, 200 + i);
        return kernel(
          'Conv2DBackpropFilter',
          { x, dy },
          {
            strides: c.s,
            pad: c.pad,
            dataFormat: 'NHWC',
            filterShape: c.f,
          },
        );
      });
    });
  }

  it('supports dilations (an extension: tfjs gradients reject dilated conv2d)', async () => {
    // cpu's kernel ignores dilations; a dilated filter's gradient is the
    // undilated gradient of the wider filter, taken at the dilated taps.
    for (const [f, wide] of [
      [
        [3, 2, 3, 4],
        [5, 3, 3, 4],
      ],
      [
        [3, 3, 6, 5],
        [5, 5, 6, 5],
      ],
      [
        [2, 3, 7, 2],
        [3, 5, 7, 2],
      ],
      [
        [3, 3, 1, 4],
        [5, 5, 1, 4],
      ],
      [
        [2, 2, 5, 1],
        [3, 3, 5, 1],
      ],
    ] as [number, number, number, number][][]) {
      const shape = f!;
      await expectSameOnCpuAndWasm(() => {
        const x = randn([2, 9, 8, shape[2]], 1);
        const dy = randn([2, 9, 8, shape[3]], 2);
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
        if (tf.getBackend() === 'wasm') {
          return kernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { ...attrs, dilations: 2, filterShape: shape },
          );
        }
        const dW = kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: wide });
        return tf.stridedSlice(dW, [0, 0, 0, 0], wide!, [2, 2, 1, 1]);
      });
    }
  });

  it('gives conv2d filter gradients that match finite differences', () => {
    const x = randn([2, 7, 6, 3], 1) as tf.Tensor4D;
    const w = randn([3, 3, 3, 2], 2);
    const weights = randn([2, 4, 3, 2], 3);
    expectGradMatchesFiniteDifferences(
      (f) =>
        tf
          .conv2d(x, f as tf.Tensor4D, 2, 'same')
          .mul(weights)
          .sum() as tf.Scalar,
      w,
    );
    tf.dispose([x, w, weights]);
  });
});
