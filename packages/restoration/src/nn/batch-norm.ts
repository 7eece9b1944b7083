import { Module, ShapeError, tf } from '@spikedistill/core';

export interface BatchNormOptions {
  /** Added to the variance (PyTorch default 1e-5; DnCNN uses 1e-4). */
  eps?: number;
  /** Weight of the new batch statistics in the running averages (PyTorch's convention). */
  momentum?: number;
}

/**
 * Batch normalisation over every axis but the last (channels), with
 * PyTorch's semantics: training normalises with the biased batch variance
 * and updates the running averages with the unbiased one; evaluation uses
 * the running averages.
 */
export class BatchNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly channels: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.weight = this.param('weight', tf.ones([channels]));
    this.bias = this.param('bias', tf.zeros([channels]));
    this.runningMean = this.buffer('runningMean', tf.zeros([channels]));
    this.runningVar = this.buffer('runningVar', tf.ones([channels]));
  }

  forward<T extends tf.Tensor>(x: T, training: boolean): T {
    const c = x.shape[x.rank - 1];
    if (c !== this.channels) {
      throw new ShapeError('BatchNorm input', `[…, ${this.channels}]`, x.shape);
    }
    if (!training) {
      return tf.tidy(() => {
        const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, this.eps)));
        const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale));
        return tf.add(tf.mul(x, scale), shift) as T;
      });
    }
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const count = x.size / this.channels;
    const { mean, variance } = tf.moments(x, axes);
    this.updateRunning(mean, variance, count);
    const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(normalised, this.weight), this.bias) as T;
  }

  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const unbiased = count > 1 ? count / (count - 1) : 1;
    tf.tidy(() => {
      // Not part of the loss, so no gradient reaches these through the tape.
      const batchVar = tf.mul(variance, unbiased);
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(batchVar, m)));
    });
  }
}
