import { ref, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';
import { detach } from '../util/detach.js';
import { defineNeuron } from './define-neuron.js';
import { BaseNode, type NeuronState } from './neuron.js';

export const leakyOptions = z.object({
  beta: z.number().min(0).max(1).default(0.5).describe('membrane decay β in [0, 1]'),
  threshold: z.number().positive().default(1).describe('firing threshold θ (> 0)'),
  resetMechanism: z.enum(['subtract', 'zero', 'none']).default('subtract'),
  resetDelay: z.boolean().default(true).describe("apply a spike's reset at the next step"),
  learnBeta: z.boolean().default(false).describe('make β a trainable parameter'),
  surrogate: ref('surrogate', 'atan').describe('surrogate gradient: name or {name, options}'),
});

export type LeakyOptions = Omit<z.output<typeof leakyOptions>, 'surrogate'>;
export type LeakyReset = LeakyOptions['resetMechanism'];

/**
 * snnTorch's `Leaky`, kept separate from LIF because its order differs:
 *
 *     R[t]   = Θ(U[t−1] − θ)   (strict >, no gradient: the previous step's spike)
 *     U[t]   = β·U[t−1] + X[t] − R[t]·θ            (subtract)
 *     U[t]   = β·(1 − R[t])·U[t−1] + X[t]          (zero)
 *     U[t]   = β·U[t−1] + X[t]                     (none)
 *     S[t]   = Θ(U[t] − θ)     (strict >: no spike when U equals θ)
 *
 * The charge holds the previous step's reset, and the membrane is kept
 * unreset; with `resetDelay` false the reset is applied in the same step
 * instead. U[0] = 0. Defaults follow snnTorch (atan surrogate, α = 2).
 */
export class LeakyNeuron extends BaseNode {
  readonly kind: string = 'leaky';
  protected override readonly membrane = 'u';
  readonly beta: tf.Variable | undefined;

  constructor(
    readonly options: LeakyOptions,
    surrogate: Surrogate,
  ) {
    super(surrogate, options);
    this.beta = options.learnBeta ? this.param('beta', tf.scalar(options.beta)) : undefined;
  }

  protected override initialState(shape: readonly number[]): NeuronState {
    return { u: tf.zeros(shape as number[]) };
  }

  protected charge(x: tf.Tensor, state: NeuronState): tf.Tensor {
    const { threshold: th, resetMechanism } = this.options;
    const u = state.u!;
    const beta = this.beta
      ? tf.clipByValue(this.beta, 0, 1)
      : Math.min(Math.max(this.options.beta, 0), 1);
    const reset = this.previousSpike(state);
    if (resetMechanism === 'subtract') return tf.sub(tf.add(tf.mul(u, beta), x), tf.mul(reset, th));
    if (resetMechanism === 'zero') return tf.add(tf.mul(tf.mul(tf.sub(1, reset), u), beta), x);
    return tf.add(tf.mul(u, beta), x);
  }

  protected override fire(h: tf.Tensor, theta: number | tf.Tensor): tf.Tensor {
    return this.surrogate.spikeStrict(tf.sub(h, theta));
  }

  protected override reset(
    h: tf.Tensor,
    spikes: tf.Tensor,
    _theta: number | tf.Tensor,
    state: NeuronState,
  ): tf.Tensor {
    const { threshold: th, resetMechanism, resetDelay } = this.options;
    if (resetDelay || resetMechanism === 'none') return h;
    const doReset = tf.sub(spikes, this.previousSpike(state));
    return resetMechanism === 'subtract'
      ? tf.sub(h, tf.mul(doReset, th))
      : tf.sub(h, tf.mul(doReset, h));
  }

  /** R[t]: whether U[t−1] was above threshold, detached. */
  private previousSpike(state: NeuronState): tf.Tensor {
    return detach(this.surrogate.spikeStrict(tf.sub(state.u!, this.options.threshold)));
  }
}

export const leakyNeuron = defineNeuron({
  name: 'leaky',
  description: "snnTorch's Leaky: β decay, fires on U > θ, reset from the previous step",
  options: leakyOptions,
  layer: (options, surrogate) => new LeakyNeuron(options, surrogate),
});
