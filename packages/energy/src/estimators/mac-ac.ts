import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import type { LayerOps } from '../op-counter.js';
import type { EnergyEstimator, LayerEnergy } from '../types.js';

const source =
  'Horowitz, "Computing\'s energy problem", ISSCC 2014: 45 nm CMOS, 32-bit float — E_MAC = mult 3.7 + add 0.9 pJ, E_AC = add 0.9 pJ';

/**
 * The estimate common in SNN papers: a layer whose input is analog costs its
 * dense MACs at E_MAC; a layer fed spikes costs only the accumulates its
 * spikes trigger, density × MACs (time steps included), at E_AC. Neuron
 * updates and memory traffic are ignored, as in those papers: see
 * `memory-aware` for both.
 */
export const macAcEstimator = definePlugin({
  kind: 'energy',
  name: 'mac-ac-45nm',
  description: 'MACs·E_MAC for analog input, density·MACs·E_AC for spikes (Horowitz 2014, 45 nm)',
  options: z.object({
    eMac: z.number().positive().default(4.6).describe('pJ per multiply-accumulate'),
    eAc: z.number().positive().default(0.9).describe('pJ per accumulate'),
  }),
  create: ({ eMac, eAc }): EnergyEstimator => ({
    name: 'mac-ac-45nm',
    source,
    constants: { eMac, eAc },
    bits: {},
    estimate: (ops, samples) => {
      const layers = ops.map((op): LayerEnergy => layerEnergy(op, eMac, eAc));
      const totalPj = layers.reduce((a, l) => a + l.pj, 0);
      return {
        estimator: 'mac-ac-45nm',
        source,
        constants: { eMac, eAc },
        bits: {},
        layers,
        totalPj,
        perSamplePj: totalPj / samples,
      };
    },
  }),
});

export function layerEnergy(op: LayerOps, eMac: number, eAc: number): LayerEnergy {
  if (op.spikeInput) {
    const acs = op.inputDensity * op.macs;
    return { label: op.label, macs: 0, acs, pj: acs * eAc, memoryPj: 0 };
  }
  return { label: op.label, macs: op.macs, acs: 0, pj: op.macs * eMac, memoryPj: 0 };
}
