import type { Context, PluginRef, TapInfo } from '@spikedistill/core';
import { tf } from '@spikedistill/core';
import type { Encoder, NeuronFactory } from '@spikedistill/neurons';
import { BackboneModule } from '../base.js';

/** What the spiking students share: the encoder, the neuron factory and T. */
export abstract class SpikingStudent extends BackboneModule {
  readonly spiking = true;
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
    },
    ctx: Context,
  ) {
    super(label);
    this.inputChannels = options.channels;
    this.outputChannels = options.channels;
    this.timesteps = options.timesteps;
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

  /** The analog input as T steps, [T, N, H, W, C]. */
  protected encode(x: tf.Tensor4D): tf.Tensor {
    return this.encoder.encode(x, this.timesteps);
  }

  /** Mean over the T steps: [T, N, …] → [N, …]. */
  protected meanOverTime(x: tf.Tensor): tf.Tensor4D {
    return tf.mean(x, 0) as tf.Tensor4D;
  }
}
