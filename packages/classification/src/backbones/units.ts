import { Module, type Rng, ShapeError, tf } from '@spikedistill/core';
import {
  batchNormThroughTime,
  type NeuronFactory,
  SpikingConvBlock,
  tdBN,
} from '@spikedistill/neurons';
import { BatchNorm, batchToSeq, Conv2d, seqToBatch } from '@spikedistill/nn';

export type Norm = 'tdbn' | 'bn' | 'none';

/**
 * conv → norm on sequences [T, N, H, W, C]: one conv call for all T steps
 * (T·N merged). For an ANN, T is 1. Members `conv`, `norm`.
 */
export class ConvNorm extends Module {
  readonly conv: Conv2d;
  readonly norm: BatchNorm | undefined;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    options: { stride: number; kernel: number; norm: BatchNorm | undefined },
  ) {
    super();
    this.conv = this.child(
      'conv',
      new Conv2d(rng, inChannels, outChannels, {
        kernel: options.kernel,
        stride: options.stride,
        bias: options.norm === undefined,
      }),
    );
    this.norm = options.norm ? this.child('norm', options.norm) : undefined;
  }

  /** [T, N, H, W, C_in] → [T, N, H/stride, W/stride, C_out]. */
  current(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 5) throw new ShapeError('ConvNorm', `[T, N, H, W, ${this.inChannels}]`, x.shape);
    return tf.tidy(() => {
      let y: tf.Tensor = this.conv.forward(seqToBatch(x));
      if (this.norm) y = this.norm.forward(y);
      return batchToSeq(y, x.shape[0]!);
    });
  }
}

/** conv → norm → activation on sequences [T, N, H, W, C]. */
export interface ConvUnit extends Module {
  readonly outChannels: number;
  /** conv → norm: what the activation receives. */
  current(x: tf.Tensor): tf.Tensor;
  /** The activation: spiking neurons stepping through time, or ReLU. */
  fire(current: tf.Tensor): tf.Tensor;
}

/** An ANN unit: conv → BN → ReLU, the twin of a spiking unit. */
export class AnnUnit extends ConvNorm implements ConvUnit {
  fire(current: tf.Tensor): tf.Tensor {
    return tf.relu(current);
  }
}

/** A spiking unit: neurons' conv → norm (tdBN) → neuron block, with `fire` split out for residuals. */
export class SpikingUnit extends SpikingConvBlock implements ConvUnit {
  fire(current: tf.Tensor): tf.Tensor {
    return this.neuron.forward(current);
  }
}

/** Makes the layers of one architecture, spiking or not, so VGG and ResNet are written once. */
export interface UnitMaker {
  /** 3×3 conv → norm → activation. */
  unit(inChannels: number, outChannels: number, stride: number): ConvUnit;
  /** 1×1 conv → norm, for a residual shortcut that changes shape (no activation). */
  projection(inChannels: number, outChannels: number, stride: number): ConvNorm;
}

/** conv → BN → ReLU units (`norm: 'tdbn'` means plain BN here: an ANN has no threshold). */
export function annUnits(rng: Rng, norm: Norm): UnitMaker {
  const bn = (c: number) => (norm === 'none' ? undefined : new BatchNorm(c));
  return {
    unit: (i, o, stride) => new AnnUnit(rng, i, o, { stride, kernel: 3, norm: bn(o) }),
    projection: (i, o, stride) => new ConvNorm(rng, i, o, { stride, kernel: 1, norm: bn(o) }),
  };
}

/** conv → norm → spiking neuron units; tdBN scales by the neuron's threshold. */
export function spikingUnits(rng: Rng, norm: Norm, neuron: NeuronFactory): UnitMaker {
  return {
    unit: (i, o, stride) =>
      new SpikingUnit({
        inChannels: i,
        outChannels: o,
        neuron,
        norm,
        stride,
        rng,
        init: 'kaiming',
      }),
    projection: (i, o, stride) =>
      new ConvNorm(rng, i, o, {
        stride,
        kernel: 1,
        norm:
          norm === 'tdbn'
            ? tdBN({ channels: o, threshold: neuron.threshold })
            : norm === 'bn'
              ? batchNormThroughTime({ channels: o })
              : undefined,
      }),
  };
}
