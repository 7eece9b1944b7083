import type { Context, PluginRef, Rng, TapInfo } from '@spikedistill/core';
import { tf } from '@spikedistill/core';
import {
  type BlockNorm,
  type Encoder,
  type NeuronFactory,
  SpikingConvBlock,
  type SpikingConvOutput,
} from '@spikedistill/neurons';
import { BackboneModule } from '../base.js';
import { AnnConvBlock } from './ann-block.js';

/** A block of a student: spiking (conv → norm → neurons) or, for the ANN twin, conv → BN → ReLU. */
export type StudentBlock = SpikingConvBlock | AnnConvBlock;

/**
 * What the spiking students share: the encoder, the neuron factory and T,
 * and the choice between the spiking network and its ANN twin (`ann`),
 * which is the same code with other blocks, one step and taps without T.
 */
export abstract class SpikingStudent extends BackboneModule {
  readonly spiking: boolean;
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly timesteps: number;
  abstract override readonly tapInfo: readonly TapInfo[];
  protected readonly encoder: Encoder;
  protected readonly neuronFactory: NeuronFactory;

  constructor(
    label: string,
    options: {
      channels: number;
      timesteps: number;
      neuron: PluginRef | string;
      encoder: PluginRef | string;
      ann: boolean;
    },
    ctx: Context,
  ) {
    super(label);
    this.spiking = !options.ann;
    this.inputChannels = options.channels;
    this.outputChannels = options.channels;
    this.timesteps = options.ann ? 1 : options.timesteps;
    this.neuronFactory = ctx.registry.createFrom(
      'neuron',
      options.neuron,
      `${ctx.path}.options.neuron`,
    );
    this.encoder = ctx.registry.createFrom(
      'encoder',
      options.encoder,
      `${ctx.path}.options.encoder`,
    );
  }

  /** A 3×3 block: spiking, or conv → BN → ReLU for the ANN twin; He-normal conv weights from `rng`. */
  protected block(options: {
    inChannels: number;
    outChannels: number;
    stride?: number;
    norm: BlockNorm;
    rng: Rng;
  }): StudentBlock {
    if (!this.spiking) return new AnnConvBlock(options);
    return new SpikingConvBlock({ ...options, neuron: this.neuronFactory, init: 'kaiming' });
  }

  /** The analog input as T steps, [T, N, H, W, C] (the image as one step for the ANN twin). */
  protected encode(x: tf.Tensor4D): tf.Tensor {
    return this.spiking ? this.encoder.encode(x, this.timesteps) : tf.expandDims(x, 0);
  }

  /** Mean over the T steps: [T, N, …] → [N, …]. */
  protected meanOverTime(x: tf.Tensor): tf.Tensor4D {
    return tf.mean(x, 0) as tf.Tensor4D;
  }

  /**
   * What a tap records of a block's output: its spikes (activations for the
   * twin) or its current, per step [T, N, H, W, C] — or [N, H, W, C] for the
   * ANN twin, whose taps are not temporal.
   */
  protected tapValue(out: SpikingConvOutput, signal: 'spikes' | 'current'): tf.Tensor {
    const value = signal === 'spikes' ? out.spikes : out.current;
    return this.spiking ? value : tf.squeeze(value, [0]);
  }

  /** What the taps record, in words, for their descriptions. */
  protected tapWords(signal: 'spikes' | 'current'): string {
    if (signal === 'current') return 'input current (conv → norm)';
    return this.spiking ? 'spikes' : 'activations (after ReLU)';
  }
}
