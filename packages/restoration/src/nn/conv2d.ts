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

  /**
   * The conv of the channel-concatenation of `xs`, without concatenating:
   * Σᵢ conv(xᵢ, W[:, :, slice i, :]). Same weight (and PyTorch layout) as
   * one conv on `tf.concat(xs, -1)`, but the gradient slices the small
   * weight rather than the activations (channel splits are slow on cpu).
   */
  forwardConcat(xs: readonly tf.Tensor4D[]): tf.Tensor4D {
    return tf.tidy(() => {
      const total = xs.reduce((n, x) => n + x.shape[3], 0);
      if (total !== this.inChannels) {
        throw new Error(
          `Conv2d: inputs have ${total} channels in all, the conv takes ${this.inChannels}`,
        );
      }
      const k = this.weight.shape[0]!;
      let offset = 0;
      let y: tf.Tensor4D | undefined;
      for (const x of xs) {
        const c = x.shape[3];
        const w = tf.slice(
          this.weight,
          [0, 0, offset, 0],
          [k, k, c, this.outChannels],
        ) as tf.Tensor4D;
        const part = conv2dFast(x, w, this.stride, this.pad);
        y = y ? (tf.add(y, part) as tf.Tensor4D) : part;
        offset += c;
      }
      return this.bias ? tf.add(y!, this.bias) : y!;
    });
  }
}
