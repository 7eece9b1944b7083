import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { NeuronFactory } from '../kinds.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import { chargeLif, resetLif } from './dynamics.js';
import { Neuron, type NeuronState, type StepResult } from './neuron.js';
import { lifFamilyOptions, resolveSurrogate } from './options.js';

export type PlifOptions = Omit<z.output<typeof plifOptions>, 'surrogate'>;

/**
 * Parametric LIF (Fang et al. 2021; SpikingJelly `ParametricLIFNode`): LIF
 * with a learnable time constant, `1/τ = sigmoid(w)`, one `w` per layer,
 * initialised at `w₀ = −ln(τ₀ − 1)` so that 1/τ starts at 1/τ₀.
 */
export class PlifNeuron extends Neuron {
  readonly kind: string = 'plif';
  readonly threshold: number;
  readonly w: tf.Variable;

  constructor(
    readonly options: PlifOptions,
    readonly surrogate: Surrogate,
  ) {
    super();
    this.threshold = options.threshold;
    this.w = this.param('w', tf.scalar(-Math.log(options.initTau - 1)));
  }

  /** The current τ = 1 / sigmoid(w). */
  tau(): number {
    const w = this.w.dataSync()[0]!;
    return 1 + Math.exp(-w);
  }

  protected initialState(shape: readonly number[]): NeuronState {
    return { v: tf.fill(shape as number[], this.options.vReset ?? 0) };
  }

  protected dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const { threshold, vReset, decayInput, detachReset } = this.options;
    const h = chargeLif(state.v!, x, tf.sigmoid(this.w), vReset, decayInput);
    const spikes = this.surrogate.spike(tf.sub(h, threshold));
    return { spikes, h, state: { v: resetLif(h, spikes, vReset, threshold, detachReset) } };
  }
}

export const plifOptions = z.object({
  initTau: z.number().gt(1).default(2).describe('initial time constant τ₀ (> 1)'),
  decayInput: z.boolean().default(true).describe('the input is divided by τ too'),
  ...lifFamilyOptions,
});

export const plifNeuron = definePlugin({
  kind: 'neuron',
  name: 'plif',
  description: 'Parametric LIF: learnable 1/τ = sigmoid(w), w₀ = −ln(τ₀ − 1)',
  options: plifOptions,
  create: (options, ctx): NeuronFactory<z.output<typeof plifOptions>> => {
    const surrogate = resolveSurrogate(options.surrogate, ctx);
    return {
      name: 'plif',
      options,
      surrogate,
      threshold: options.threshold,
      create: () => new PlifNeuron(options, surrogate),
    };
  },
});
