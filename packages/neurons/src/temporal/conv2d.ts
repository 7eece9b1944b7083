import { Module, Rng, ShapeError, tf } from '@spikedistill/core';

export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize?: number;
  stride?: number;
  bias?: boolean;
  /** Initialisation stream (PyTorch's default: U(±1/√fan_in) for weight and bias). */
  rng?: Rng;
}

/** A 2-D convolution, NHWC input, HWIO weight, 'same' padding. */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;
  readonly stride: number;
  readonly inChannels: number;
  readonly outChannels: number;

  constructor(options: Conv2dOptions) {
    super();
    const { inChannels, outChannels, kernelSize: k = 3, stride = 1 } = options;
    const rng = options.rng ?? new Rng(0);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.stride = stride;
    const bound = 1 / Math.sqrt(inChannels * k * k);
    const w = rng.fillUniform(new Float32Array(k * k * inChannels * outChannels), -bound, bound);
    this.weight = this.param('weight', tf.tensor4d(w, [k, k, inChannels, outChannels]));
    this.bias = options.bias
      ? this.param(
          'bias',
          tf.tensor1d(rng.fillUniform(new Float32Array(outChannels), -bound, bound)),
        )
      : undefined;
  }

  /** `x` [N, H, W, C_in] → [N, H/stride, W/stride, C_out]. */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new ShapeError('Conv2d', `[N, H, W, ${this.inChannels}]`, x.shape);
    }
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, 'same');
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}
