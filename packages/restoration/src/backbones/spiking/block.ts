import { Conv2d, Module, type Rng, ShapeError, tf } from '@spikedistill/core';
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

  /** `x` [T, N, H, W, C], or several such whose channels together make C (a skip concatenation). */
  forward(x: tf.Tensor | readonly tf.Tensor[]): BlockOutput {
    const xs = Array.isArray(x) ? x : [x as tf.Tensor];
    const channels = xs.reduce((n, xi) => n + (xi.shape[4] ?? 0), 0);
    if (xs.some((xi) => xi.rank !== 5) || channels !== this.inChannels) {
      throw new ShapeError(
        'SpikingConv',
        `[T, N, H, W, ${this.inChannels}]`,
        xs.length === 1 ? xs[0]!.shape : [...xs[0]!.shape.slice(0, 4), channels],
      );
    }
    const t = xs[0]!.shape[0]!;
    const merged = xs.map((xi) => seqToBatch(xi) as tf.Tensor4D);
    let y: tf.Tensor =
      merged.length === 1 ? this.conv.forward(merged[0]!) : this.conv.forwardConcat(merged);
    if (this.norm) y = this.norm.forward(y);
    const current = batchToSeq(y, t);
    return { spikes: this.neuron.forward(current), current };
  }
}

/**
 * Nearest-neighbour ×2 upsampling of [B, H, W, C]: each pixel becomes a
 * 2×2 block (source index ⌊i/2⌋; cpu and wasm have the kernel and its
 * gradient).
 */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w], false, false);
}
