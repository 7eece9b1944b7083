import { type FusedLifAttrs, definePlugin, fusedLif, hasFusedLif, tf } from '@spikedistill/core';
import { z } from 'zod';
import type { NeuronFactory } from '../kinds.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import { chargeLif, resetLif } from './dynamics.js';
import { Neuron, type NeuronState, type StepResult } from './neuron.js';
import { lifFamilyOptions, resolveSurrogate } from './options.js';

/** A LIF layer's options: the plugin's (defaults filled), less the surrogate, which it is handed made. τ = Infinity: no leak (IF). */
export type LifOptions = Omit<z.output<typeof lifOptions>, 'surrogate'>;

/**
 * Leaky integrate-and-fire, exactly SpikingJelly's `LIFNode`:
 *
 *     H[t] = V[t−1] + (X[t] − (V[t−1] − V_r)) / τ      (decayInput)
 *     H[t] = V[t−1] − (V[t−1] − V_r) / τ + X[t]        (otherwise)
 *     S[t] = Θ(H[t] − θ)                               (a spike when H = θ)
 *     V[t] = S·V_r + (1 − S)·H   or, soft,   V[t] = H − S·θ
 *
 * V[0] = V_r (0 for soft reset). Multi-step runs use the fused kernel when
 * the active backend registers it and the surrogate is one it knows.
 */
export class LifNeuron extends Neuron {
  readonly kind: string = 'lif';
  readonly threshold: number;
  /** Set false to force the unfused (reference) path. */
  allowFused = true;
  /** Multi-step calls that ran the fused kernel (diagnostics and tests). */
  fusedCalls = 0;

  constructor(
    readonly options: LifOptions,
    readonly surrogate: Surrogate,
  ) {
    super();
    this.threshold = options.threshold;
  }

  protected initialState(shape: readonly number[]): NeuronState {
    return { v: tf.fill(shape as number[], this.options.vReset ?? 0) };
  }

  protected dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const { tau, threshold, vReset, decayInput, detachReset } = this.options;
    const h = chargeLif(state.v!, x, 1 / tau, vReset, decayInput);
    const spikes = this.surrogate.spike(tf.sub(h, threshold));
    return { spikes, h, state: { v: resetLif(h, spikes, vReset, threshold, detachReset) } };
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

export const lifOptions = z.object({
  tau: z.number().gt(1).default(2).describe('membrane time constant τ (> 1)'),
  decayInput: z.boolean().default(true).describe('the input is divided by τ too'),
  ...lifFamilyOptions,
});

export const lifNeuron = definePlugin({
  kind: 'neuron',
  name: 'lif',
  description: "Leaky integrate-and-fire (SpikingJelly's LIFNode semantics)",
  options: lifOptions,
  create: (options, ctx): NeuronFactory<z.output<typeof lifOptions>> => {
    const surrogate = resolveSurrogate(options.surrogate, ctx);
    return {
      name: 'lif',
      options,
      surrogate,
      threshold: options.threshold,
      create: () => new LifNeuron(options, surrogate),
    };
  },
});
