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
const cases: {
  x: [number, number, number, number];
  f: number[];
  s: number | [number, number];
  pad: Pad;
}[] = [
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
  { x: [2, 12, 11, 8], f: [1, 1, 8, 12], s: 2, pad: 'valid' },
  { x: [1, 13, 14, 3], f: [5, 5, 3, 2], s: 3, pad: 'same' },
  { x: [2, 9, 8, 3], f: [3, 3, 3, 2], s: [2, 1], pad: 'same' },
  {
    x: [1, 5, 5, 2],
    f: [3, 3, 2, 2],
    s: 1,
    pad: [
      [0, 0],
      [4, 0],
      [0, 3],
      [0, 0],
    ],
  },
];

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: dx ${c.x}, filter ${c.f}, stride ${c.s}, pad ${JSON.stringify(c.pad)}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const w = randn(c.f, 100 + i);
        const probe = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad);
        const dy = randn(probe.shape, 200 + i);
        return kernel(
          'Conv2DBackpropInput',
          { dy, filter: w },
          {
            strides: c.s,
            pad: c.pad,
            dataFormat: 'NHWC',
            inputShape: c.x,
          },
        );
      });
    });
  }

  it('runs conv2dTranspose (its forward pass) like cpu', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.conv2dTranspose(
        randn([2, 5, 6, 4], 1) as tf.Tensor4D,
        randn([2, 2, 3, 4], 2) as tf.Tensor4D,
        [2, 10, 12, 3],
        2,
        'same',
      ),
    );
    await expectSameOnCpuAndWasm(() =>
      tf.conv2dTranspose(
        randn([1, 5, 5, 4], 3) as tf.Tensor4D,
        randn([4, 4, 3, 4], 4) as tf.Tensor4D,
        [1, 10, 10, 3],
        2,
        'same',
      ),
    );
  });

  it('gives conv2d input gradients that match finite differences', () => {
    const x = randn([2, 7, 6, 3], 1);
    const w = randn([3, 3, 3, 2], 2) as tf.Tensor4D;
    const weights = randn([2, 4, 3, 2], 3);
    expectGradMatchesFiniteDifferences(
      (v) =>
        tf
          .conv2d(v as tf.Tensor4D, w, 2, 'same')
          .mul(weights)
          .sum() as tf.Scalar,
      x,
    );
    tf.dispose([x, w, weights]);
  });
});
