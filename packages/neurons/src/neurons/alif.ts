import { definePlugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { NeuronFactory } from '../kinds.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import { chargeLif, resetLif } from './dynamics.js';
import { Neuron, type NeuronState, type StepResult } from './neuron.js';
import { lifFamilyOptions, resolveSurrogate } from './options.js';

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
export class AlifNeuron extends Neuron {
  readonly kind: string = 'alif';
  readonly threshold: number;

  constructor(
    readonly options: AlifOptions,
    readonly surrogate: Surrogate,
  ) {
    super();
    this.threshold = options.threshold;
  }

  protected initialState(shape: readonly number[]): NeuronState {
    return {
      v: tf.fill(shape as number[], this.options.vReset ?? 0),
      a: tf.zeros(shape as number[]),
    };
  }

  protected dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const { tau, threshold, vReset, decayInput, detachReset, tauAdapt, adaptation } = this.options;
    const a = state.a!;
    const theta = tf.add(tf.mul(a, adaptation), threshold);
    const h = chargeLif(state.v!, x, 1 / tau, vReset, decayInput);
    const spikes = this.surrogate.spike(tf.sub(h, theta));
    const v = resetLif(h, spikes, vReset, theta, detachReset);
    const aNext = tf.add(tf.sub(a, tf.div(a, tauAdapt)), spikes);
    return { spikes, h, state: { v, a: aNext } };
  }
}

export const alifOptions = z.object({
  tau: z.number().gt(1).default(2).describe('membrane time constant τ (> 1)'),
  decayInput: z.boolean().default(true).describe('the input is divided by τ too'),
  ...lifFamilyOptions,
  tauAdapt: z.number().gt(1).default(20).describe('adaptation time constant τ_a (> 1)'),
  adaptation: z.number().min(0).default(0.2).describe('threshold increase b per unit of A (≥ 0)'),
});

export const alifNeuron = definePlugin({
  kind: 'neuron',
  name: 'alif',
  description:
    'Adaptive-threshold LIF: θ[t] = θ₀ + b·A[t−1], A decays with τ_a and grows by each spike',
  options: alifOptions,
  create: (options, ctx): NeuronFactory<z.output<typeof alifOptions>> => {
    const surrogate = resolveSurrogate(options.surrogate, ctx);
    return {
      name: 'alif',
      options,
      surrogate,
      threshold: options.threshold,
      create: () => new AlifNeuron(options, surrogate),
    };
  },
});
