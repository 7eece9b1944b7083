import { ref, tf } from '@spikedistill/core';
import {
  BaseNode,
  chargeLif,
  defineNeuron,
  type NeuronState,
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
 * softplus keeps θ > 0 whatever the optimiser does to ρ. Fire and reset come
 * from BaseNode; this class says only how the membrane charges and where the
 * threshold comes from.
 */
export class LearnableThresholdLif extends BaseNode {
  readonly kind = 'lt-lif';
  readonly rho: tf.Variable;

  constructor(
    readonly options: { tau: number; initThreshold: number },
    surrogate: Surrogate,
  ) {
    super(surrogate, { threshold: options.initThreshold, vReset: null });
    // softplus⁻¹(θ₀) = ln(e^θ₀ − 1)
    this.rho = this.param('rho', tf.scalar(Math.log(Math.expm1(options.initThreshold))));
  }

  override get threshold(): number {
    return Math.log1p(Math.exp(this.rho.dataSync()[0]!));
  }

  protected override thresholdAt(): tf.Tensor {
    return tf.softplus(this.rho);
  }

  protected charge(x: tf.Tensor, state: NeuronState): tf.Tensor {
    return chargeLif(state.v!, x, 1 / this.options.tau, null, true);
  }
}

export const learnableThresholdLif = defineNeuron({
  name: 'lt-lif',
  description: 'LIF with a learnable threshold θ = softplus(ρ), soft reset (example plugin)',
  options: z.object({
    tau: z.number().gt(1).default(2).describe('membrane time constant τ (> 1)'),
    initThreshold: z.number().positive().default(1).describe('initial threshold θ₀ (> 0)'),
    surrogate: ref('surrogate', 'atan'),
  }),
  threshold: (options) => options.initThreshold,
  layer: (options, surrogate) => new LearnableThresholdLif(options, surrogate),
});
