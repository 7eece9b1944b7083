import { definePlugin, ref, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { NeuronFactory } from '../kinds.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import { detach } from '../util/detach.js';
import { Neuron, type NeuronState, type StepResult } from './neuron.js';
import { resolveSurrogate } from './options.js';

export type LeakyReset = 'subtract' | 'zero' | 'none';

export interface LeakyOptions {
  /** Membrane decay β, clipped to [0, 1] as snnTorch does. */
  beta: number;
  threshold: number;
  resetMechanism: LeakyReset;
  /** snnTorch's default: the reset of a spike at t is applied at t + 1. */
  resetDelay: boolean;
  learnBeta: boolean;
}

/**
 * snnTorch's `Leaky`, kept separate from LIF because its order differs:
 *
 *     R[t]   = Θ(U[t−1] − θ)   (strict >, no gradient: the previous step's spike)
 *     U[t]   = β·U[t−1] + X[t] − R[t]·θ            (subtract)
 *     U[t]   = β·(1 − R[t])·U[t−1] + X[t]          (zero)
 *     U[t]   = β·U[t−1] + X[t]                     (none)
 *     S[t]   = Θ(U[t] − θ)     (strict >: no spike when U equals θ)
 *
 * With `resetDelay` false the reset is applied in the same step instead.
 * U[0] = 0. Defaults follow snnTorch (atan surrogate, α = 2).
 */
export class LeakyNeuron extends Neuron {
  readonly kind: string = 'leaky';
  readonly threshold: number;
  readonly beta: tf.Variable | undefined;

  constructor(
    readonly options: LeakyOptions,
    readonly surrogate: Surrogate,
  ) {
    super();
    this.threshold = options.threshold;
    this.beta = options.learnBeta ? this.param('beta', tf.scalar(options.beta)) : undefined;
  }

  protected initialState(shape: readonly number[]): NeuronState {
    return { u: tf.zeros(shape as number[]) };
  }

  protected dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const { threshold: th, resetMechanism, resetDelay } = this.options;
    const u = state.u!;
    const beta = this.beta
      ? tf.clipByValue(this.beta, 0, 1)
      : Math.min(Math.max(this.options.beta, 0), 1);
    const reset = detach(this.surrogate.spikeStrict(tf.sub(u, th)));
    let base: tf.Tensor;
    if (resetMechanism === 'subtract') base = tf.sub(tf.add(tf.mul(u, beta), x), tf.mul(reset, th));
    else if (resetMechanism === 'zero') base = tf.add(tf.mul(tf.mul(tf.sub(1, reset), u), beta), x);
    else base = tf.add(tf.mul(u, beta), x);
    const spikes = this.surrogate.spikeStrict(tf.sub(base, th));
    let next = base;
    if (!resetDelay && resetMechanism !== 'none') {
      const doReset = tf.sub(spikes, reset);
      next =
        resetMechanism === 'subtract'
          ? tf.sub(base, tf.mul(doReset, th))
          : tf.sub(base, tf.mul(doReset, base));
    }
    return { spikes, h: base, state: { u: next } };
  }
}

export const leakyOptions = z.object({
  beta: z.number().min(0).max(1).default(0.5).describe('membrane decay β in [0, 1]'),
  threshold: z.number().positive().default(1).describe('firing threshold θ (> 0)'),
  resetMechanism: z.enum(['subtract', 'zero', 'none']).default('subtract'),
  resetDelay: z.boolean().default(true).describe("apply a spike's reset at the next step"),
  learnBeta: z.boolean().default(false).describe('make β a trainable parameter'),
  surrogate: ref('surrogate', 'atan').describe('surrogate gradient: name or {name, options}'),
});

export const leakyNeuron = definePlugin({
  kind: 'neuron',
  name: 'leaky',
  description: "snnTorch's Leaky: β decay, fires on U > θ, reset from the previous step",
  options: leakyOptions,
  create: (options, ctx): NeuronFactory<z.output<typeof leakyOptions>> => {
    const surrogate = resolveSurrogate(options.surrogate, ctx);
    return {
      name: 'leaky',
      options,
      surrogate,
      threshold: options.threshold,
      create: () => new LeakyNeuron(options, surrogate),
    };
  },
});
