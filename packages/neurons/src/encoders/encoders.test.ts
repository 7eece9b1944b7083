import { tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { neuronsRegistry } from '../testing/registry.js';

describe('encoders', () => {
  it('direct repeats the input T times', () => {
    const enc = neuronsRegistry().create('encoder', 'direct');
    const x = tf.tensor2d([[0.1, 0.7]]);
    const y = enc.encode(x, 3);
    expect(y.shape).toEqual([3, 1, 2]);
    expect([...y.dataSync()]).toEqual([...x.dataSync(), ...x.dataSync(), ...x.dataSync()]);
    const g = tf.grad((z: tf.Tensor) => tf.sum(enc.encode(z, 3)))(x);
    expect([...g.dataSync()]).toEqual([3, 3]);
    tf.dispose([x, y, g]);
  });

  it('rate is Bernoulli(clip(gain·x)), seeded and reproducible', () => {
    const a = neuronsRegistry(5).create('encoder', 'rate');
    const b = neuronsRegistry(5).create('encoder', 'rate');
    const x = tf.fill([1, 2000], 0.3);
    const ya = a.encode(x, 4);
    const yb = b.encode(x, 4);
    expect([...ya.dataSync()]).toEqual([...yb.dataSync()]);
    const values = [...ya.dataSync()];
    expect([...new Set(values)].sort()).toEqual([0, 1]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.02); // 8000 draws: σ ≈ 0.005
    const next = a.encode(x, 4);
    expect([...next.dataSync()]).not.toEqual(values);
    const certain = a.encode(tf.tensor2d([[0, 1.5]]), 3);
    expect([...certain.dataSync()]).toEqual([0, 1, 0, 1, 0, 1]);
    tf.dispose([x, ya, yb, next, certain]);
  });

  it('latency fires once, brighter earlier; x ≤ threshold never', () => {
    const enc = neuronsRegistry().create('encoder', 'latency');
    const x = tf.tensor2d([[1, 0.5, 0, 0.25]]);
    const y = enc.encode(x, 5);
    // t = round((1 − x)·4): 0, 2, (silent), 3.
    expect(y.arraySync()).toEqual([
      [[1, 0, 0, 0]],
      [[0, 0, 0, 0]],
      [[0, 1, 0, 0]],
      [[0, 0, 0, 1]],
      [[0, 0, 0, 0]],
    ]);
    tf.dispose([x, y]);
  });

  it('reject a non-positive number of steps', () => {
    const enc = neuronsRegistry().create('encoder', 'direct');
    const x = tf.zeros([1, 1]);
    expect(() => enc.encode(x, 0)).toThrow(/timesteps/);
    x.dispose();
  });
});
