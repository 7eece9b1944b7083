import { tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';
import { defineNeuron } from './define-neuron.js';
import { chargeLif } from './dynamics.js';
import { BaseNode, type NeuronState } from './neuron.js';
import { lifFamilyOptions } from './options.js';

export const plifOptions = z.object({
  initTau: z.number().gt(1).default(2).describe('initial time constant τ₀ (> 1)'),
  decayInput: z.boolean().default(true).describe('the input is divided by τ too'),
  ...lifFamilyOptions,
});

export type PlifOptions = Omit<z.output<typeof plifOptions>, 'surrogate'>;

/**
 * Parametric LIF (Fang et al. 2021; SpikingJelly `ParametricLIFNode`): LIF
 * with a learnable time constant, `1/τ = sigmoid(w)`, one `w` per layer,
 * initialised at `w₀ = −ln(τ₀ − 1)` so that 1/τ starts at 1/τ₀.
 */
export class PlifNeuron extends BaseNode {
  readonly kind: string = 'plif';
  readonly w: tf.Variable;

  constructor(
    readonly options: PlifOptions,
    surrogate: Surrogate,
  ) {
    super(surrogate, options);
    this.w = this.param('w', tf.scalar(-Math.log(options.initTau - 1)));
  }

  /** The current τ = 1 / sigmoid(w). */
  tau(): number {
    const w = this.w.dataSync()[0]!;
    return 1 + Math.exp(-w);
  }

  protected charge(x: tf.Tensor, state: NeuronState): tf.Tensor {
    const { vReset, decayInput } = this.options;
    return chargeLif(state.v!, x, tf.sigmoid(this.w), vReset, decayInput);
  }
}

export const plifNeuron = defineNeuron({
  name: 'plif',
  description: 'Parametric LIF: learnable 1/τ = sigmoid(w), w₀ = −ln(τ₀ − 1)',
  options: plifOptions,
  layer: (options, surrogate) => new PlifNeuron(options, surrogate),
});
