import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, useWasm } from './compare-backends.test-helpers.js';

describe('Identity on wasm', () => {
  beforeAll(useWasm);

  it('clones share memory yet stay independent tensors', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(b);
    const next = tf.tensor1d([4, 5, 6]);
    v.assign(next);
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    tf.dispose([b, v, next]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves gradients (which clone) unchanged', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grads((x, w) =>
        tf
          .relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))
          .clone()
          .square()
          .sum(),
      )([randn([2, 5, 5, 3], 1), randn([3, 3, 3, 4], 2)]),
    );
  });
});
