import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@spikedistill/core';
import { BatchNorm } from './batch-norm.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('BatchNorm', () => {
  it('normalises with batch statistics and updates running ones as PyTorch does', () => {
    const bn = new BatchNorm(1, { eps: 1e-4, momentum: 0.1 });
    // Values 1, 2, 3, 6: mean 3, biased var 3.5, unbiased var 14/3.
    const x = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]);
    const y = bn.forward(x, true).dataSync();
    const s = Math.sqrt(3.5 + 1e-4);
    expect([...y].map((v) => +v.toFixed(5))).toEqual(
      [1, 2, 3, 6].map((v) => +((v - 3) / s).toFixed(5)),
    );
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(0.9 * 0 + 0.1 * 3, 6);
    expect(bn.runningVar.dataSync()[0]).toBeCloseTo(0.9 * 1 + 0.1 * (14 / 3), 6);
    bn.dispose();
  });

  it('uses the running statistics in eval mode, with its affine parameters', () => {
    const bn = new BatchNorm(2, { eps: 1e-4 });
    bn.runningMean.assign(tf.tensor1d([1, -2]));
    bn.runningVar.assign(tf.tensor1d([4, 0.25]));
    bn.weight.assign(tf.tensor1d([2, 3]));
    bn.bias.assign(tf.tensor1d([0.5, -1]));
    const y = bn.forward(tf.tensor4d([3, 0], [1, 1, 1, 2]), false).dataSync();
    expect(y[0]).toBeCloseTo(((3 - 1) / Math.sqrt(4 + 1e-4)) * 2 + 0.5, 5);
    expect(y[1]).toBeCloseTo(((0 + 2) / Math.sqrt(0.25 + 1e-4)) * 3 - 1, 5);
    expect(bn.runningMean.dataSync()[0]).toBe(1);
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias', 'runningMean', 'runningVar']);
    bn.dispose();
  });
});
