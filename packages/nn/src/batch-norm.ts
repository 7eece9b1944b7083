import { fusedBatchNorm, hasFusedBatchNorm, Module, ShapeError, tf } from '@spikedistill/core';

export interface BatchNormOptions {
  /** Added to the variance (PyTorch default 1e-5; DnCNN uses 1e-4). */
  eps?: number;
  /** Weight of the new batch statistics in the running averages (PyTorch's convention, default 0.1). */
  momentum?: number;
  /** Output scale before the learned affine: α·V_th for tdBN, 1 (default) for plain BN. */
  scale?: number;
}

/**
 * Batch normalisation over every axis but the last (channels), with
 * PyTorch's semantics:
 *
 *     y = scale · weight · (x − μ) / √(σ² + ε) + bias
 *
 * Training normalises with the biased batch variance and updates the
 * running averages with the unbiased one; evaluation uses the running
 * averages. The statistics cover every other axis together, so on
 * [T, N, H, W, C] this is batch norm through time (and with `scale` = α·V_th,
 * tdBN).
 */
export class BatchNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;
  readonly scale: number;

  constructor(
    readonly channels: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    this.scale = options.scale ?? 1;
    this.weight = this.param('weight', tf.ones([channels]));
    this.bias = this.param('bias', tf.zeros([channels]));
    this.runningMean = this.buffer('runningMean', tf.zeros([channels]));
    this.runningVar = this.buffer('runningVar', tf.ones([channels]));
  }

  /** `training` (batch statistics, running averages updated) defaults to the module's mode. */
  forward<T extends tf.Tensor>(x: T, training = this.training): T {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.channels) {
      throw new ShapeError(this.constructor.name, `[…, ${this.channels}]`, x.shape);
    }
    if (!training) {
      return tf.tidy(() => this.normalize(x, this.runningMean, this.runningVar)) as T;
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const count = x.size / this.channels;
    return tf.tidy(() => {
      // One fused kernel (statistics, normalisation, and one for the whole
      // gradient) where a compute package provides it; tf ops otherwise.
      const { y, mean, variance } = hasFusedBatchNorm()
        ? fusedBatchNorm(x, this.weight, this.bias, { eps: this.eps, scale: this.scale })
        : this.unfused(x, axes);
      // Not part of the loss, so no gradient reaches these through the tape.
      const m = this.momentum;
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
      return y;
    }) as T;
  }

  private unfused(x: tf.Tensor, axes: number[]) {
    const { mean, variance } = tf.moments(x, axes);
    return { y: this.normalize(x, mean, variance), mean, variance };
  }

  private normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
    const gain = tf.mul(tf.rsqrt(tf.add(variance, this.eps)), tf.mul(this.weight, this.scale));
    return tf.add(tf.mul(tf.sub(x, mean), gain), this.bias);
  }
}
