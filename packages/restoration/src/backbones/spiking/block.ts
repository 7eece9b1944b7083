import { Module, type Rng, ShapeError, tf } from '@spikedistill/core';
import {
  batchNormThroughTime,
  batchToSeq,
  type BlockNorm,
  type Neuron,
  type NeuronFactory,
  seqToBatch,
  type TemporalBatchNorm,
  tdBN,
} from '@spikedistill/neurons';
import { Conv2d } from '../../nn/conv2d.js';

/** A block's output: the spikes, and the current that made them. */
export interface BlockOutput {
  spikes: tf.Tensor;
  current: tf.Tensor;
}

/**
 * conv → norm (tdBN | BN through time | none) → spiking neurons on
 * [T, N, H, W, C], with the member names of neurons' SpikingConvBlock
 * (`conv`, `norm`, `neuron`). It uses this package's Conv2d, whose filter
 * gradient is a forward conv: training on cpu and plain wasm is then
 * practical (see nn/conv-filter-grad.ts).
 */
export class SpikingConv extends Module {
  readonly conv: Conv2d;
  readonly norm: TemporalBatchNorm | undefined;
  readonly neuron: Neuron;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    options: { neuron: NeuronFactory; norm: BlockNorm; stride?: number },
  ) {
    super();
    const { neuron, norm, stride = 1 } = options;
    this.conv = this.child(
      'conv',
      new Conv2d(rng, inChannels, outChannels, { stride, bias: norm === 'none' }),
    );
    this.norm =
      norm === 'tdbn'
        ? this.child('norm', tdBN({ channels: outChannels, threshold: neuron.threshold }))
        : norm === 'bn'
          ? this.child('norm', batchNormThroughTime({ channels: outChannels }))
          : undefined;
    this.neuron = this.child('neuron', neuron.create());
  }

  forward(x: tf.Tensor): BlockOutput {
    if (x.rank !== 5 || x.shape[4] !== this.inChannels) {
      throw new ShapeError('SpikingConv', `[T, N, H, W, ${this.inChannels}]`, x.shape);
    }
    const t = x.shape[0]!;
    let y = this.conv.forward(seqToBatch(x) as tf.Tensor4D) as tf.Tensor;
    if (this.norm) y = this.norm.forward(y);
    const current = batchToSeq(y, t);
    return { spikes: this.neuron.forward(current), current };
  }
}

/**
 * Nearest-neighbour ×2 upsampling of [B, H, W, C] by concatenation and
 * reshape: differentiable on every backend, at rank 4 (tfjs has no
 * gradient for rank-6 tiles, and resize gradients are missing on some).
 */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    // [B, H, W, 2C] → [B, H, 2W, C]: each pixel twice along W.
    const wide = tf.reshape(tf.concat([x, x], 3), [b, h, 2 * w, c]);
    // [B, H, 2·2W, C] → [B, 2H, 2W, C]: each row twice.
    return tf.reshape(tf.concat([wide, wide], 2), [b, 2 * h, 2 * w, c]);
  });
}
