import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import type { NeuronFactory } from '../kinds.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import { LifNeuron } from './lif.js';
import { lifFamilyOptions, resolveSurrogate } from './options.js';

export type IfOptions = Omit<z.output<typeof ifOptions>, 'surrogate'>;

/**
 * Integrate-and-fire (SpikingJelly `IFNode`): LIF without leak,
 * `H[t] = V[t−1] + X[t]`, same fire and reset. Runs the fused LIF kernel
 * with τ = ∞ when the backend has it.
 */
export class IfNeuron extends LifNeuron {
  override readonly kind: string = 'if';
  constructor(options: IfOptions, surrogate: Surrogate) {
    super({ ...options, tau: Number.POSITIVE_INFINITY, decayInput: false }, surrogate);
  }
}

export const ifOptions = z.object({ ...lifFamilyOptions });

export const ifNeuron = definePlugin({
  kind: 'neuron',
  name: 'if',
  description: 'Integrate-and-fire: LIF without leak (SpikingJelly IFNode)',
  options: ifOptions,
  create: (options, ctx): NeuronFactory<z.output<typeof ifOptions>> => {
    const surrogate = resolveSurrogate(options.surrogate, ctx);
    return {
      name: 'if',
      options,
      surrogate,
      threshold: options.threshold,
      create: () => new IfNeuron(options, surrogate),
    };
  },
});
