import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hintsRegistry } from '../fixtures.test-helpers.js';

describe('ternary quantizer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('maps weights to {−α, 0, +α} with TWN threshold and scale', () => {
    const q = hintsRegistry().create('quantizer', 'ternary');
    // mean|w| = (0.1+0.2+1+2+0.3+0.4)/6 = 0.6667; Δ = 0.7·0.6667 = 0.4667 → kept: 1, −2 → α = 1.5
    const w = tf.tensor1d([0.1, -0.2, 1, -2, 0.3, 0.4]);
    const out = q.quantize(w);
    expect([...out.dataSync()].map((v) => Number(v.toFixed(5)))).toEqual([0, 0, 1.5, -1.5, 0, 0]);
    expect(q.levels(w)).toBe(3);
    tf.dispose([w, out]);
  });

  it('passes the gradient straight through', () => {
    const q = hintsRegistry().create('quantizer', 'ternary', { factor: 0.5 });
    const w = tf.tensor1d([0.1, -0.9, 0.5]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(q.quantize(x), tf.tensor1d([1, 2, 3]))))(w);
    expect([...g.dataSync()]).toEqual([1, 2, 3]);
    tf.dispose([w, g]);
  });

  it('rejects a threshold factor outside (0, 1]', () => {
    expect(() => hintsRegistry().create('quantizer', 'ternary', { factor: 1.5 })).toThrow(
      /quantizer 'ternary': factor: Too big/,
    );
  });
});
