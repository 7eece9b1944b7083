import { definePlugin, ref, tf } from '@spikedistill/core';
import {
  chargeLif,
  Neuron,
  type NeuronFactory,
  type NeuronState,
  resolveSurrogate,
  type StepResult,
  type Surrogate,
} from '@spikedistill/neurons';
import { z } from 'zod';

/**
 * A new neuron in one file: LIF whose firing threshold is learned. Soft
 * reset, so the threshold is trained through both the spike and the reset:
 *
 *     H[t] = V[t−1] + (X[t] − V[t−1]) / τ
 *     S[t] = Θ(H[t] − θ)          θ = softplus(ρ), a trainable parameter
 *     V[t] = H[t] − S[t]·θ
 *
 * softplus keeps θ > 0 whatever the optimiser does to ρ.
 */
export class LearnableThresholdLif extends Neuron {
  readonly kind = 'lt-lif';
  readonly rho: tf.Variable;

  constructor(
    readonly options: { tau: number; initThreshold: number },
    readonly surrogate: Surrogate,
  ) {
    super();
    // softplus⁻¹(θ₀) = ln(e^θ₀ − 1)
    this.rho = this.param('rho', tf.scalar(Math.log(Math.expm1(options.initThreshold))));
  }

  get threshold(): number {
    return Math.log1p(Math.exp(this.rho.dataSync()[0]!));
  }

  protected initialState(shape: readonly number[]): NeuronState {
    return { v: tf.zeros(shape as number[]) };
  }

  protected dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const theta = tf.softplus(this.rho);
    const h = chargeLif(state.v!, x, 1 / this.options.tau, null, true);
    const spikes = this.surrogate.spike(tf.sub(h, theta));
    return { spikes, h, state: { v: tf.sub(h, tf.mul(spikes, theta)) } };
  }
}

const options = z.object({
  tau: z.number().gt(1).default(2).describe('membrane time constant τ (> 1)'),
  initThreshold: z.number().positive().default(1).describe('initial threshold θ₀ (> 0)'),
  surrogate: ref('surrogate', 'atan'),
});

export const learnableThresholdLif = definePlugin({
  kind: 'neuron',
  name: 'lt-lif',
  description: 'LIF with a learnable threshold θ = softplus(ρ), soft reset (example plugin)',
  options,
  create: (opts, ctx): NeuronFactory<z.output<typeof options>> => {
    const surrogate = resolveSurrogate(opts.surrogate, ctx);
    return {
      name: 'lt-lif',
      options: opts,
      surrogate,
      threshold: opts.initThreshold,
      create: () => new LearnableThresholdLif(opts, surrogate),
    };
  },
});
