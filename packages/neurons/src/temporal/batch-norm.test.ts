import { tf } from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { describe, expect, it } from 'vitest';
import { batchNormThroughTime, tdBN } from './batch-norm.js';

describe('tdBN', () => {
  // [T=2, N=1, 2 values, C=1]: values 1, 2, 3, 6 → mean 3, biased var (4+1+0+9)/4 = 3.5.
  const x = () => tf.tensor4d([1, 2, 3, 6], [2, 1, 2, 1]);

  it('normalises over T and N together and scales by α·V_th', async () => {
    const bn = tdBN({ channels: 1, threshold: 0.5, alpha: 2, eps: 0 });
    await expectNoLeaks(() => {
      const input = x();
      const y = bn.forward(input);
      const s = Math.sqrt(3.5);
      const want = [1, 2, 3, 6].map((v) => ((v - 3) / s) * 1);
      expect([...y.dataSync()].map((v, i) => v - want[i]!).every((d) => Math.abs(d) < 1e-5)).toBe(
        true,
      );
      tf.dispose([input, y]);
    });
    bn.dispose();
  });

  it('updates running statistics (unbiased variance) and uses them in eval', () => {
    const bn = batchNormThroughTime({ channels: 1, momentum: 0.5, eps: 0 });
    const input = x();
    tf.dispose(bn.forward(input));
    // mean: 0.5·0 + 0.5·3 = 1.5; var: 0.5·1 + 0.5·(14/3) = 2.8333
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(1.5, 5);
    expect(bn.runningVar.dataSync()[0]).toBeCloseTo(0.5 + 7 / 3, 5);
    bn.eval();
    const y = bn.forward(input);
    expect(y.dataSync()[0]).toBeCloseTo((1 - 1.5) / Math.sqrt(0.5 + 7 / 3), 5);
    tf.dispose([input, y]);
    bn.dispose();
  });

  it('passes gradients to its weight, bias and input', () => {
    const bn = tdBN({ channels: 2 });
    const input = tf.randomNormal([2, 3, 4, 2], 0, 1, 'float32', 3);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(bn.forward(input))) as tf.Scalar);
    expect(Object.keys(grads).length).toBe(2);
    const gx = tf.grad((z: tf.Tensor) =>
      tf.sum(tf.mul(bn.forward(z), tf.range(0, 48).reshape(z.shape))),
    )(input);
    expect(tf.sum(tf.abs(gx)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([input, gx, ...Object.values(grads)]);
    bn.dispose();
  });
});
