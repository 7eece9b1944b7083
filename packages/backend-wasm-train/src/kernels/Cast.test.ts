import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, useWasm } from './compare-backends.test-helpers.js';

describe('Cast on wasm', () => {
  beforeAll(useWasm);

  it('shares memory when the dtype does not change', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d([1.5, -2, 3.25, 4], [2, 2]);
    const y = tf.cast(x, 'float32');
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3.25, 4]);
    y.dispose();
  });

  it('converts like cpu between dtypes', async () => {
    await expectSameOnCpuAndWasm(() => {
      const x = tf.tensor1d([1.7, -2.2, 0, 3.9, -0.5]);
      return [
        tf.cast(tf.cast(x, 'int32'), 'float32'),
        tf.cast(tf.cast(x, 'bool'), 'float32'),
        tf.cast(tf.cast(tf.cast(x, 'int32'), 'bool'), 'float32'),
      ];
    });
  });

  it('leaves the batch-norm statistics and their gradients unchanged', async () => {
    await expectSameOnCpuAndWasm(() => {
      const weights = randn([2, 5, 4, 3], 2);
      return tf.grad((x) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
        return tf.sum(tf.mul(normalised, weights));
      })(randn([2, 5, 4, 3], 1).mul(3).add(1));
    });
  });
});
