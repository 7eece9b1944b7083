import { tf } from '@spikedistill/core';
import { beforeAll, describe, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  kernel,
  randn,
  useWasm,
} from './compare-backends.test-helpers.js';

const cases: {
  images: number[];
  dy: number[];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}[] = [
  { images: [2, 5, 7, 3], dy: [2, 10, 14, 3], alignCorners: false, halfPixelCenters: false },
  { images: [3, 4, 3, 2], dy: [3, 12, 6, 2], alignCorners: false, halfPixelCenters: true },
  { images: [1, 5, 5, 3], dy: [1, 10, 10, 3], alignCorners: true, halfPixelCenters: false }, // tfjs-wasm's
  { images: [1, 5, 5, 3], dy: [1, 8, 12, 3], alignCorners: false, halfPixelCenters: false }, // tfjs-wasm's
];

describe('ResizeNearestNeighborGrad on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches the reference: ${c.images} ← ${c.dy}, alignCorners ${c.alignCorners}, halfPixelCenters ${c.halfPixelCenters}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const images = randn(c.images, i);
        const dy = randn(c.dy, 10 + i);
        const attrs = { alignCorners: c.alignCorners, halfPixelCenters: c.halfPixelCenters };
        // cpu's kernel is wrong for batches > 1; whole-factor upsampling's
        // gradient is a sum over blocks, computed with plain ops instead.
        if (tf.getBackend() === 'cpu' && c.images[0]! > 1) {
          const f: [number, number] = [c.dy[1]! / c.images[1]!, c.dy[2]! / c.images[2]!];
          return tf.avgPool(dy as tf.Tensor4D, f, f, 'valid').mul(f[0] * f[1]);
        }
        return kernel('ResizeNearestNeighborGrad', { images, dy }, attrs);
      });
    });
  }

  it('gives resizeNearestNeighbor gradients that match finite differences', () => {
    const weights = randn([2, 9, 8, 3], 9);
    const x = randn([2, 3, 4, 3], 1);
    expectGradMatchesFiniteDifferences(
      (v) =>
        tf.image
          .resizeNearestNeighbor(v as tf.Tensor4D, [9, 8], false, true)
          .mul(weights)
          .sum() as tf.Scalar,
      x,
    );
    tf.dispose([weights, x]);
  });
});
