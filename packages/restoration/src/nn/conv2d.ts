import { Module, type Rng, tf } from '@spikedistill/core';
import { conv2dFast } from './conv-filter-grad.js';
import { kaimingNormal } from './init.js';

export interface Conv2dOptions {
  kernel?: number;
  stride?: number;
  bias?: boolean;
  /** Initialisation gain (√2 for ReLU, 1 for linear layers). */
  gain?: number;
}

/**
 * 2-D convolution, NHWC input, HWIO weight `[k, k, in, out]`. Odd kernels
 * pad (k−1)/2 on every side, as PyTorch's `padding=k//2`; even kernels
 * (2×2 stride-2 downsampling) pad nothing. Both match PyTorch exactly, so
 * imported weights give the same numbers.
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;
  readonly stride: number;
  readonly pad: 'same' | 'valid' | number;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    options: Conv2dOptions = {},
  ) {
    super();
    const k = options.kernel ?? 3;
    this.stride = options.stride ?? 1;
    this.pad = k % 2 === 0 ? 'valid' : this.stride === 1 ? 'same' : (k - 1) / 2;
    this.weight = this.param(
      'weight',
      kaimingNormal(rng, [k, k, inChannels, outChannels], k * k * inChannels, options.gain),
    );
    this.bias = options.bias === false ? undefined : this.param('bias', tf.zeros([outChannels]));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const y = conv2dFast(x, this.weight as tf.Tensor4D, this.stride, this.pad);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
