import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { upsample2 } from './upsample.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('upsample2', () => {
  it('repeats each pixel as a 2×2 block, and its gradient sums each block', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(upsample2(x).reshape([4, 4]).arraySync()).toEqual([
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ]);
    const dy = tf.range(0, 16).reshape([1, 4, 4, 1]);
    const g = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(upsample2(z as tf.Tensor4D), dy)))(x);
    // Block (0, 0) holds 0, 1, 4, 5; block (0, 1) 2, 3, 6, 7; …
    expect([...g.dataSync()]).toEqual([10, 18, 42, 50]);
    tf.dispose([x, dy, g]);
  });
});
