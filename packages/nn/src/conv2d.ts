import { Module, type Rng, ShapeError, SpikedistillError, tf } from '@spikedistill/core';
import { conv2dFast } from './conv-filter-grad.js';
import { kaimingNormal, torchUniform } from './init.js';

export interface Conv2dOptions {
  /** Kernel size k (default 3). */
  kernel?: number;
  stride?: number;
  /** Default true. */
  bias?: boolean;
  /**
   * 'kaiming' (default): He normal with `gain`, zero bias. 'uniform':
   * PyTorch's default, U(±1/√fan_in) for weight and bias.
   */
  init?: 'kaiming' | 'uniform';
  /** Kaiming gain (√2 for ReLU, 1 for linear layers). */
  gain?: number;
}

/**
 * 2-D convolution, NHWC input, HWIO weight `[k, k, in, out]`. Odd kernels
 * pad (k−1)/2 on every side, as PyTorch's `padding=k//2`; even kernels
 * (2×2 stride-2 downsampling) pad nothing. Both match PyTorch exactly, so
 * imported weights give the same numbers. The filter gradient is a forward
 * conv where the backend's own is slow or missing (see conv-filter-grad.ts),
 * so convolutional models train on cpu and plain wasm. The weight goes
 * through the module's weight transform (`use`), e.g. ternary quantisation.
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
    const fanIn = k * k * inChannels;
    const shape = [k, k, inChannels, outChannels];
    const uniform = options.init === 'uniform';
    this.weight = this.param(
      'weight',
      uniform ? torchUniform(rng, shape, fanIn) : kaimingNormal(rng, shape, fanIn, options.gain),
    );
    this.bias =
      options.bias === false
        ? undefined
        : this.param(
            'bias',
            uniform ? torchUniform(rng, [outChannels], fanIn) : tf.zeros([outChannels]),
          );
  }

  /** `x` [N, H, W, C_in] → [N, H/stride, W/stride, C_out]. */
  forward(x: tf.Tensor): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new ShapeError('Conv2d', `[N, H, W, ${this.inChannels}]`, x.shape);
    }
    return tf.tidy(() => {
      const y = conv2dFast(
        x as tf.Tensor4D,
        this.use(this.weight) as tf.Tensor4D,
        this.stride,
        this.pad,
      );
      return this.bias ? tf.add(y, this.bias) : y;
    });
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
        throw new SpikedistillError(
          'E_SHAPE',
          `Conv2d: inputs have ${total} channels in all, the conv takes ${this.inChannels}`,
        );
      }
      // Transform the whole weight, then slice: a transform may depend on all of it.
      const weight = this.use(this.weight);
      const k = weight.shape[0]!;
      let offset = 0;
      let y: tf.Tensor4D | undefined;
      for (const x of xs) {
        const c = x.shape[3];
        const w = tf.slice(weight, [0, 0, offset, 0], [k, k, c, this.outChannels]) as tf.Tensor4D;
        const part = conv2dFast(x, w, this.stride, this.pad);
        y = y ? (tf.add(y, part) as tf.Tensor4D) : part;
        offset += c;
      }
      return this.bias ? tf.add(y!, this.bias) : y!;
    });
  }
}
