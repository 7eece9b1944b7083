import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';

// Core imports tfjs-core without the @tensorflow/tfjs union bundle: the
// gradients and chained ops come from tfjs-core's own registration lists
// (tfjs-registrations.ts), which must land in the engine the backends use.
describe('tfjs as core loads it', () => {
  it('has the chained tensor methods', () => {
    const y = tf.ones([2]).add(1).mul(tf.scalar(3));
    expect([...y.dataSync()]).toEqual([6, 6]);
    tf.dispose(y);
  });

  it('has the gradients, in the engine the backends use', async () => {
    await tf.setBackend('cpu');
    const engine = (globalThis as unknown as { _tfengine: unknown })._tfengine;
    expect(tf.engine()).toBe(engine);
    expect(tf.getGradient('Conv2D')).toBeDefined();
    expect(tf.getGradient('Sigmoid')).toBeDefined();
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.sigmoid(tf.mul(x, x))))(tf.tensor1d([0, 1]));
    const s = 1 / (1 + Math.exp(-1));
    expect(g.dataSync()[0]).toBe(0);
    expect(g.dataSync()[1]).toBeCloseTo(2 * s * (1 - s), 6);
    tf.dispose(g);
  });

  it('trains with an optimiser (registered by tfjs-core itself)', () => {
    const w = tf.variable(tf.scalar(3));
    const opt = tf.train.sgd(0.25);
    for (let i = 0; i < 3; i++) opt.minimize(() => tf.square(w) as tf.Scalar);
    // w ← w − 0.25·2w = w/2 each step.
    expect(w.dataSync()[0]).toBeCloseTo(3 / 8, 6);
    tf.dispose(w);
    opt.dispose();
  });
});
