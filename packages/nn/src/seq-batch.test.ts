import { Rng, tf } from '@spikedistill/core';
import { Conv2d } from './conv2d.js';
import { describe, expect, it } from 'vitest';
import { batchToSeq, overTime, seqToBatch } from './seq-batch.js';
import { TimeDistributed } from './time-distributed.js';

describe('seqToBatch / batchToSeq / overTime', () => {
  it('merge T into N and back', () => {
    const x = tf.range(0, 24).reshape([2, 3, 4]);
    const merged = seqToBatch(x);
    expect(merged.shape).toEqual([6, 4]);
    const back = batchToSeq(merged, 2);
    expect(back.arraySync()).toEqual(x.arraySync());
    expect(() => batchToSeq(merged, 4)).toThrow(/divisible/);
    tf.dispose([x, merged, back]);
  });

  it('overTime applies a per-sample op to every step, same as a loop', () => {
    const x = tf.randomNormal([3, 2, 4, 4, 1], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 1, 2], 0, 1, 'float32', 2);
    const conv = (z: tf.Tensor) => tf.conv2d(z as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const merged = overTime(conv)(x);
    const loop = tf.stack(tf.unstack(x).map(conv));
    expect(merged.shape).toEqual([3, 2, 4, 4, 2]);
    expect(tf.max(tf.abs(tf.sub(merged, loop))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, w, merged, loop]);
  });
});

describe('TimeDistributed', () => {
  it('runs a per-sample module on every step and names its members under layer.', () => {
    const conv = new Conv2d(new Rng(0), 1, 2, { init: 'uniform' });
    const wrapped = new TimeDistributed(conv);
    expect([...wrapped.stateDict().keys()]).toEqual(['layer.weight', 'layer.bias']);
    const x = tf.randomNormal([2, 3, 4, 4, 1], 0, 1, 'float32', 1);
    const y = wrapped.forward(x);
    const loop = tf.stack(tf.unstack(x).map((xt) => conv.forward(xt)));
    expect(tf.max(tf.abs(tf.sub(y, loop))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, y, loop]);
    wrapped.dispose();
  });
});
