import { type FusedLifAttrs, fusedLif, hasFusedLif, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';
import { defineNeuron } from './define-neuron.js';
import { chargeLif } from './dynamics.js';
import { BaseNode, type NeuronState } from './neuron.js';
import { lifFamilyOptions } from './options.js';

export const lifOptions = z.object({
  tau: z.number().gt(1).default(2).describe('membrane time constant τ (> 1)'),
  decayInput: z.boolean().default(true).describe('the input is divided by τ too'),
  ...lifFamilyOptions,
});

/** A LIF layer's options: the plugin's (defaults filled), less the surrogate, which it is handed made. τ = Infinity: no leak (IF). */
export type LifOptions = Omit<z.output<typeof lifOptions>, 'surrogate'>;

/**
 * Leaky integrate-and-fire, exactly SpikingJelly's `LIFNode`:
 *
 *     H[t] = V[t−1] + (X[t] − (V[t−1] − V_r)) / τ      (decayInput)
 *     H[t] = V[t−1] − (V[t−1] − V_r) / τ + X[t]        (otherwise)
 *
 * then BaseNode's fire and reset. V[0] = V_r (0 for soft reset). Multi-step
 * runs use the fused kernel when the active backend registers it and the
 * surrogate is one it knows.
 */
export class LifNeuron extends BaseNode {
  readonly kind: string = 'lif';
  /** Set false to force the unfused (reference) path. */
  allowFused = true;
  /** Multi-step calls that ran the fused kernel (diagnostics and tests). */
  fusedCalls = 0;

  constructor(
    readonly options: LifOptions,
    surrogate: Surrogate,
  ) {
    super(surrogate, options);
  }

  protected charge(x: tf.Tensor, state: NeuronState): tf.Tensor {
    const { tau, vReset, decayInput } = this.options;
    return chargeLif(state.v!, x, 1 / tau, vReset, decayInput);
  }

  protected override fusedForward(x: tf.Tensor): tf.Tensor | undefined {
    const fusedName = this.surrogate.fusedName;
    if (!this.allowFused || !fusedName || !hasFusedLif()) return undefined;
    const attrs: FusedLifAttrs = {
      tau: this.options.tau,
      threshold: this.options.threshold,
      vReset: this.options.vReset,
      decayInput: this.options.decayInput,
      detachReset: this.options.detachReset,
      surrogate: fusedName,
      alpha: this.surrogate.alpha,
    };
    const out = tf.tidy(() => {
      const v0 = this.stateFor(x.shape.slice(1)).v!;
      const r = fusedLif(x, v0, attrs);
      return { spikes: r.spikes, v: r.v, h: r.h };
    });
    this.finishSequence({ v: out.v }, out.spikes, out.h);
    out.h.dispose();
    this.fusedCalls++;
    return out.spikes;
  }
}

export const lifNeuron = defineNeuron({
  name: 'lif',
  description: "Leaky integrate-and-fire (SpikingJelly's LIFNode semantics)",
  options: lifOptions,
  layer: (options, surrogate) => new LifNeuron(options, surrogate),
});
