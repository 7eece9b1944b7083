import type { tf } from '@spikedistill/core';
import type { Neuron } from './neurons/neuron.js';
import type { Surrogate } from './surrogates/surrogate.js';

/**
 * What a `neuron` plugin creates: a factory, so one config entry
 * (`neuron: { name: lif, options: {…} }`) makes every layer of a model.
 */
export interface NeuronFactory<O extends object = Record<string, unknown>> {
  readonly name: string;
  /** The validated options, defaults filled in. */
  readonly options: Readonly<O>;
  readonly surrogate: Surrogate;
  /** Firing threshold of the layers it makes (tdBN scales its output by α·threshold). */
  readonly threshold: number;
  /** A fresh layer of neurons with its own state and parameters. */
  create(): Neuron;
}

/** What an `encoder` plugin creates: analog input → a spike (or current) sequence. */
export interface Encoder {
  readonly name: string;
  /** `x` [N, …] → [T, N, …]. */
  encode(x: tf.Tensor, timesteps: number): tf.Tensor;
}

declare module '@spikedistill/core' {
  interface KindMap {
    neuron: NeuronFactory;
    surrogate: Surrogate;
    encoder: Encoder;
  }
}
