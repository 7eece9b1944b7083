import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';
import { defineNeuron } from './define-neuron.js';
import { LifNeuron } from './lif.js';
import { lifFamilyOptions } from './options.js';

export const ifOptions = z.object({ ...lifFamilyOptions });

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

export const ifNeuron = defineNeuron({
  name: 'if',
  description: 'Integrate-and-fire: LIF without leak (SpikingJelly IFNode)',
  options: ifOptions,
  layer: (options, surrogate) => new IfNeuron(options, surrogate),
});
