import { Module, type Rng, tf } from '@spikedistill/core';
import { convTranspose2x2Fast } from './conv-filter-grad.js';
import { kaimingNormal } from './init.js';

/**
 * 2×2 stride-2 transposed convolution (the U-Net upsampler), weight
 * `[2, 2, out, in]` (tfjs's layout; PyTorch's ConvTranspose2d weight
 * `[in, out, kH, kW]` maps to it by permuting, with no flip).
 */
export class ConvTranspose2x2 extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    options: { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.param(
      'weight',
      kaimingNormal(rng, [2, 2, outChannels, inChannels], inChannels),
    );
    this.bias = options.bias === false ? undefined : this.param('bias', tf.zeros([outChannels]));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const y = convTranspose2x2Fast(x, this.use(this.weight) as tf.Tensor4D, this.outChannels);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
