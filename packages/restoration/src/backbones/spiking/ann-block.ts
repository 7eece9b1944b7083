import { Module, type Rng, tf } from '@spikedistill/core';
import type { BlockNorm, SpikingConvOutput } from '@spikedistill/neurons';
import { BatchNorm, Conv2d, convNormOverTime } from '@spikedistill/nn';

export interface AnnConvBlockOptions {
  inChannels: number;
  outChannels: number;
  stride?: number;
  /** 'tdbn' and 'bn' are both plain BN here: an ANN has no threshold to scale by. */
  norm?: BlockNorm;
  rng: Rng;
}

/**
 * The ANN twin of neurons' `SpikingConvBlock`: conv (3×3, He normal, bias
 * only without a norm) → BN → ReLU on sequences [T, N, H, W, C] (T = 1 for
 * a twin). Members `conv` and `norm` are named and shaped as the spiking
 * block's, and the conv draws its initial weights from the stream the same
 * way, so a student and its twin have the same parameters; the ReLU takes
 * the neuron's place and has none.
 */
export class AnnConvBlock extends Module {
  readonly conv: Conv2d;
  readonly norm: BatchNorm | undefined;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;

  constructor(options: AnnConvBlockOptions) {
    super();
    const { inChannels, outChannels, stride = 1, norm = 'tdbn' } = options;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.stride = stride;
    this.conv = this.child(
      'conv',
      new Conv2d(options.rng, inChannels, outChannels, {
        kernel: 3,
        stride,
        bias: norm === 'none',
        init: 'kaiming',
      }),
    );
    this.norm = norm === 'none' ? undefined : this.child('norm', new BatchNorm(outChannels));
  }

  /**
   * conv → norm, [T, N, H', W', C_out]. `x` is [T, N, H, W, C_in], or
   * several such whose channels together make C_in (a skip concatenation).
   */
  current(x: tf.Tensor | readonly tf.Tensor[]): tf.Tensor {
    return convNormOverTime('AnnConvBlock', this.conv, this.norm, this.inChannels, x);
  }

  /** The activations (ReLU of the current) where a spiking block gives spikes, and the current. */
  forwardWithCurrent(x: tf.Tensor | readonly tf.Tensor[]): SpikingConvOutput {
    const current = this.current(x);
    return { spikes: tf.relu(current), current };
  }
}
