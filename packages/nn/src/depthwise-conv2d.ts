import { Module, type Rng, tf } from '@spikedistill/core';
import { kaimingNormal } from './init.js';

/** Per-channel k×k convolution ('same' padding), weight `[k, k, C, 1]`. */
export class DepthwiseConv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(
    rng: Rng,
    readonly channels: number,
    options: { kernel?: number; bias?: boolean } = {},
  ) {
    super();
    const k = options.kernel ?? 3;
    this.weight = this.param('weight', kaimingNormal(rng, [k, k, channels, 1], k * k, 1));
    this.bias = options.bias ? this.param('bias', tf.zeros([channels])) : undefined;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = tf.depthwiseConv2d(x, this.use(this.weight) as tf.Tensor4D, 1, 'same');
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
