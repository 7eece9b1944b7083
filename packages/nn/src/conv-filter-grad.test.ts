import { activateWasm, tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2dFast, conv2dFilterGrad, convTranspose2x2Fast } from './conv-filter-grad.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('own filter gradients agree with tfjs kernels', () => {
  const cases: Array<{
    k: number;
    stride: number;
    pad: 'same' | 'valid' | number;
    h: number;
    w: number;
  }> = [
    { k: 3, stride: 1, pad: 'same', h: 7, w: 6 },
    { k: 1, stride: 1, pad: 'same', h: 5, w: 5 },
    { k: 2, stride: 2, pad: 'valid', h: 8, w: 6 },
    { k: 3, stride: 2, pad: 1, h: 8, w: 7 },
    { k: 3, stride: 2, pad: 'same', h: 9, w: 8 },
    { k: 5, stride: 1, pad: 'valid', h: 9, w: 7 },
  ];
  for (const { k, stride, pad, h, w } of cases) {
    it(`conv2d k=${k} stride=${stride} pad=${pad} on ${h}×${w}`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const wt = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
        const y = tf.conv2d(x, wt, stride, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
        const [refDx, refDw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), dy)),
        )([x, wt]);
        expect(maxDiff(conv2dFilterGrad(x, dy, [k, k, 3, 4], stride, pad), refDw!)).toBeLessThan(
          1e-4,
        );
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv2dFast(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), dy)),
        )([x, wt]);
        expect(maxDiff(dx!, refDx!)).toBeLessThan(1e-4);
        expect(maxDiff(dw!, refDw!)).toBeLessThan(1e-4);
      });
    });
  }

  it('2×2 stride-2 transposed conv', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 1) as tf.Tensor4D;
      const wt = tf.randomNormal([2, 2, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 6, 8, 3], 0, 1, 'float32', 3);
      const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 6, 8, 3], 2, 'valid'),
            dy,
          ),
        ),
      )([x, wt]);
      const own = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(convTranspose2x2Fast(a as tf.Tensor4D, b as tf.Tensor4D, 3), dy)),
      )([x, wt]);
      expect(maxDiff(own[0]!, ref[0]!)).toBeLessThan(1e-4);
      expect(maxDiff(own[1]!, ref[1]!)).toBeLessThan(1e-4);
    });
  });

  it('gives the same gradients on wasm (where plain tfjs has no filter-gradient kernel)', async () => {
    const cases: Array<[number, number, 'same' | 'valid' | number]> = [
      [3, 1, 'same'],
      [2, 2, 'valid'],
      [3, 2, 1],
    ];
    const run = () =>
      cases.map(([k, stride, pad]) =>
        tf.tidy(() => {
          const x = tf.tensor4d(
            Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.sin(i)),
            [2, 8, 8, 3],
          );
          const wt = tf.tensor4d(
            Float32Array.from({ length: k * k * 12 }, (_, i) => Math.cos(i)),
            [k, k, 3, 4],
          );
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.square(conv2dFast(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))),
          )([x, wt]);
          return [Array.from(dx!.dataSync()), Array.from(dw!.dataSync())];
        }),
      );
    await tf.setBackend('cpu');
    const onCpu = run();
    await activateWasm();
    const onWasm = run();
    await tf.setBackend('cpu');
    onCpu.forEach(([dx, dw], i) => {
      const [wdx, wdw] = onWasm[i]!;
      dx!.forEach((v, j) => {
        expect(wdx![j]).toBeCloseTo(v, 2);
      });
      dw!.forEach((v, j) => {
        expect(wdw![j]).toBeCloseTo(v, 2);
      });
    });
  });
});
