import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import type { LayerOps } from '../op-counter.js';
import type { EnergyEstimator, LayerEnergy } from '../types.js';

/**
 * The estimate common in SNN papers: a layer whose input is analog costs its
 * dense MACs at E_MAC; a layer fed binary spikes costs only the accumulates
 * its spikes trigger, density × MACs (time steps included), at E_AC.
 * Defaults are 45 nm CMOS, 32-bit float (Horowitz, ISSCC 2014): E_MAC 4.6 pJ,
 * E_AC 0.9 pJ. Memory traffic is ignored: see `memory-aware`.
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
    constants: { eMac, eAc },
    estimate: (ops, samples) => {
      const layers = ops.map((op): LayerEnergy => layerEnergy(op, eMac, eAc));
      const totalPj = layers.reduce((a, l) => a + l.pj, 0);
      return {
        estimator: 'mac-ac-45nm',
        constants: { eMac, eAc },
        layers,
        totalPj,
        perSamplePj: totalPj / samples,
      };
    },
  }),
});

export function layerEnergy(op: LayerOps, eMac: number, eAc: number): LayerEnergy {
  if (op.binaryInput) {
    const acs = op.inputDensity * op.macs;
    return { label: op.label, macs: 0, acs, pj: acs * eAc };
  }
  return { label: op.label, macs: op.macs, acs: 0, pj: op.macs * eMac };
}
