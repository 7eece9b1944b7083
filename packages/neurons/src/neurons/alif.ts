import { tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';
import { defineNeuron } from './define-neuron.js';
import { chargeLif } from './dynamics.js';
import { BaseNode, type NeuronState } from './neuron.js';
import { lifFamilyOptions } from './options.js';

export const alifOptions = z.object({
  tau: z.number().gt(1).default(2).describe('membrane time constant τ (> 1)'),
  decayInput: z.boolean().default(true).describe('the input is divided by τ too'),
  ...lifFamilyOptions,
  tauAdapt: z.number().gt(1).default(20).describe('adaptation time constant τ_a (> 1)'),
  adaptation: z.number().min(0).default(0.2).describe('threshold increase b per unit of A (≥ 0)'),
});

export type AlifOptions = Omit<z.output<typeof alifOptions>, 'surrogate'>;

/**
 * Adaptive-threshold LIF (after Bellec et al. 2018's ALIF), in the same
 * discrete form as LIF:
 *
 *     θ[t] = θ₀ + b·A[t−1]
 *     H[t] = LIF charge;  S[t] = Θ(H[t] − θ[t])
 *     V[t] = S·V_r + (1 − S)·H   or, soft,   H − S·θ[t]
 *     A[t] = A[t−1] − A[t−1]/τ_a + S[t]
 *
 * A[0] = 0, so with b = 0 it is exactly LIF.
 */
export class AlifNeuron extends BaseNode {
  readonly kind: string = 'alif';

  constructor(
    readonly options: AlifOptions,
    surrogate: Surrogate,
  ) {
    super(surrogate, options);
  }

  protected override initialState(shape: readonly number[]): NeuronState {
    return { ...super.initialState(shape), a: tf.zeros(shape as number[]) };
  }

  protected override thresholdAt(state: NeuronState): tf.Tensor {
    return tf.add(tf.mul(state.a!, this.options.adaptation), this.threshold);
  }

  protected charge(x: tf.Tensor, state: NeuronState): tf.Tensor {
    const { tau, vReset, decayInput } = this.options;
    return chargeLif(state.v!, x, 1 / tau, vReset, decayInput);
  }

  protected override adapt(state: NeuronState, spikes: tf.Tensor): NeuronState {
    const a = state.a!;
    return { a: tf.add(tf.sub(a, tf.div(a, this.options.tauAdapt)), spikes) };
  }
}

export const alifNeuron = defineNeuron({
  name: 'alif',
  description:
    'Adaptive-threshold LIF: θ[t] = θ₀ + b·A[t−1], A decays with τ_a and grows by each spike',
  options: alifOptions,
  layer: (options, surrogate) => new AlifNeuron(options, surrogate),
});
