import { Module, ShapeError, tf } from '@spikedistill/core';

export interface TemporalBatchNormOptions {
  channels: number;
  /** Output scale before the learned affine: α·V_th for tdBN, 1 for plain BN. */
  scale?: number;
  eps?: number;
  /** Weight of the new batch in the running statistics (PyTorch's convention). */
  momentum?: number;
}

/**
 * Batch norm over time, channels last: statistics over every axis but the
 * last, so over T and N (and H, W) together. With `scale` = α·V_th this is
 * threshold-dependent batch norm (tdBN, Zheng et al. 2021):
 *
 *     y = scale · weight · (x − μ) / √(σ² + ε) + bias
 *
 * Training uses the batch statistics and updates `runningMean`/`runningVar`
 * (unbiased variance, as PyTorch); eval uses the running ones. Accepts
 * [T, N, …, C] or the merged [T·N, …, C] alike.
 */
export class TemporalBatchNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly channels: number;
  readonly scale: number;
  readonly eps: number;
  readonly momentum: number;

  constructor(options: TemporalBatchNormOptions) {
    super();
    const { channels, scale = 1, eps = 1e-5, momentum = 0.1 } = options;
    this.channels = channels;
    this.scale = scale;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = this.param('weight', tf.ones([channels]));
    this.bias = this.param('bias', tf.zeros([channels]));
    this.runningMean = this.buffer('runningMean', tf.zeros([channels]));
    this.runningVar = this.buffer('runningVar', tf.ones([channels]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.channels) {
      throw new ShapeError('TemporalBatchNorm', `[…, ${this.channels}]`, x.shape);
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    if (!this.training) {
      return tf.tidy(() => this.normalize(x, this.runningMean, this.runningVar));
    }
    const count = x.size / this.channels;
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, axes);
      const y = this.normalize(x, mean, variance);
      const m = this.momentum;
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
      return y;
    });
  }

  private normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
    const gain = tf.mul(tf.rsqrt(tf.add(variance, this.eps)), tf.mul(this.weight, this.scale));
    return tf.add(tf.mul(tf.sub(x, mean), gain), this.bias);
  }
}

/** tdBN: batch norm over T and N, output scaled by α·V_th (Zheng et al. 2021). */
export function tdBN(options: {
  channels: number;
  threshold?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
}): TemporalBatchNorm {
  const { threshold = 1, alpha = 1, ...rest } = options;
  return new TemporalBatchNorm({ ...rest, scale: alpha * threshold });
}

/** Plain batch norm applied through time (statistics over T·N merged; SpikingJelly's SeqToANNContainer(BatchNorm2d)). */
export function batchNormThroughTime(options: {
  channels: number;
  eps?: number;
  momentum?: number;
}): TemporalBatchNorm {
  return new TemporalBatchNorm({ ...options, scale: 1 });
}
