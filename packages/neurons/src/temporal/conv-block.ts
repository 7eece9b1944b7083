import { Module, Rng, tf } from '@spikedistill/core';
import { type BatchNorm, Conv2d, convNormOverTime } from '@spikedistill/nn';
import type { NeuronFactory } from '../kinds.js';
import type { Neuron } from '../neurons/neuron.js';
import { batchNormThroughTime, tdBN } from './batch-norm.js';

export type BlockNorm = 'tdbn' | 'bn' | 'none';

export interface SpikingConvBlockOptions {
  inChannels: number;
  outChannels: number;
  /** The neuron layer after the norm, made by this factory (e.g. `registry.createFrom('neuron', ref)`). */
  neuron: NeuronFactory;
  stride?: number;
  /** Default 3. Odd kernels pad (k−1)/2 on every side (PyTorch's `padding=k//2`), even ones pad nothing. */
  kernelSize?: number;
  /** Default 'tdbn' (scaled by α·threshold of the neuron). */
  norm?: BlockNorm;
  /** tdBN's α (default 1). */
  alpha?: number;
  /** Conv bias; default: only when there is no norm. */
  bias?: boolean;
  /** Initialisation stream for the conv weights. */
  rng?: Rng;
  /**
   * Conv initialisation: 'uniform' (default) is PyTorch's U(±1/√fan_in);
   * 'kaiming' is He normal (gain √2) with a zero bias, as core's Conv2d.
   */
  init?: 'uniform' | 'kaiming';
}

/** A block's output: the spikes, and the current (conv → norm) that made them. */
export interface SpikingConvOutput {
  spikes: tf.Tensor;
  current: tf.Tensor;
}

/**
 * conv (core's Conv2d: 3×3, HWIO weights) → norm (tdBN | BN | none) → spiking
 * neurons, on [T, N, H, W, C]: conv and norm run once on the merged T·N
 * batch, the neurons step through time. Members: `conv.weight`
 * (`conv.bias`), `norm.weight`/`norm.bias`/`norm.runningMean`/`norm.runningVar`,
 * `neuron`.
 */
export class SpikingConvBlock extends Module {
  readonly conv: Conv2d;
  readonly norm: BatchNorm | undefined;
  readonly neuron: Neuron;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;

  constructor(options: SpikingConvBlockOptions) {
    super();
    const { inChannels, outChannels, stride = 1, kernelSize = 3, norm = 'tdbn' } = options;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.stride = stride;
    this.conv = this.child(
      'conv',
      new Conv2d(options.rng ?? new Rng(0), inChannels, outChannels, {
        kernel: kernelSize,
        stride,
        bias: options.bias ?? norm === 'none',
        init: options.init ?? 'uniform',
      }),
    );
    if (norm === 'tdbn') {
      this.norm = this.child(
        'norm',
        tdBN({
          channels: outChannels,
          threshold: options.neuron.threshold,
          alpha: options.alpha ?? 1,
        }),
      );
    } else if (norm === 'bn') {
      this.norm = this.child('norm', batchNormThroughTime({ channels: outChannels }));
    } else {
      this.norm = undefined;
    }
    this.neuron = this.child('neuron', options.neuron.create());
  }

  /**
   * The analog input current to the neurons, [T, N, H', W', C_out] (conv →
   * norm). `x` is [T, N, H, W, C_in], or several such whose channels together
   * make C_in: a skip concatenation, convolved without concatenating (see
   * Conv2d.forwardConcat).
   */
  current(x: tf.Tensor | readonly tf.Tensor[]): tf.Tensor {
    return convNormOverTime('SpikingConvBlock', this.conv, this.norm, this.inChannels, x);
  }

  /** `x` as for `current` → spikes [T, N, H/stride, W/stride, C_out]. */
  forward(x: tf.Tensor | readonly tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.neuron.forward(this.current(x)));
  }

  /** Spikes and the current that made them, for taps that record either. */
  forwardWithCurrent(x: tf.Tensor | readonly tf.Tensor[]): SpikingConvOutput {
    const current = this.current(x);
    return { spikes: this.neuron.forward(current), current };
  }
}
