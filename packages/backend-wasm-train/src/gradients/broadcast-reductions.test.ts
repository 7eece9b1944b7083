import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectSameOnCpuAndWasm,
  randn,
  useWasm,
} from '../kernels/compare-backends.test-helpers.js';
import { meanGradConfig, sumGradConfig } from './broadcast-reductions.js';

describe('Sum and Mean gradients by broadcasting', () => {
  beforeAll(async () => {
    await useWasm();
  });

  it('replace tfjs-core’s', () => {
    expect(tf.getGradient('Sum')?.gradFunc).toBe(sumGradConfig.gradFunc);
    expect(tf.getGradient('Mean')?.gradFunc).toBe(meanGradConfig.gradFunc);
  });

  const cases: { shape: number[]; axis: number | number[] | undefined; keepDims: boolean }[] = [
    { shape: [4, 3, 5, 2], axis: 0, keepDims: false },
    { shape: [4, 3, 5, 2], axis: [0, 1, 2], keepDims: false },
    { shape: [2, 6, 3], axis: -1, keepDims: true },
    { shape: [3, 4], axis: undefined, keepDims: false },
    { shape: [2, 3, 4, 5, 2], axis: [1, 3], keepDims: true },
  ];
  for (const [i, c] of cases.entries()) {
    it(`give dy broadcast (Sum) and dy/n broadcast (Mean): shape ${c.shape}, axis ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.shape, i);
        const w = randn(tf.sum(x, c.axis, c.keepDims).shape, 10 + i);
        const [gs] = tf.grads((a) => tf.sum(tf.mul(tf.sum(a, c.axis, c.keepDims), w)))([x]);
        const [gm] = tf.grads((a) => tf.sum(tf.mul(tf.mean(a, c.axis, c.keepDims), w)))([x]);
        return [gs!, gm!];
      }, 0);
    });
  }

  it('matches hand-computed values', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const [gm] = tf.grads((a) => tf.sum(tf.mul(tf.mean(a, 1), tf.tensor1d([3, 6]))))([x]);
    expect(Array.from(gm!.dataSync())).toEqual([1, 1, 1, 2, 2, 2]);
    const [gs] = tf.grads((a) => tf.sum(tf.mul(tf.sum(a, 0), tf.tensor1d([1, 2, 3]))))([x]);
    expect(Array.from(gs!.dataSync())).toEqual([1, 2, 3, 1, 2, 3]);
    tf.dispose([x, gm!, gs!]);
  });
});
