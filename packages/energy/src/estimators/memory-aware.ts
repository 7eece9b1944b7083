import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import type { EnergyEstimator, LayerEnergy } from '../types.js';

/**
 * Adds memory traffic to the arithmetic, after Lemaire et al. 2022 ("An
 * analytical estimation of spiking neural networks energy efficiency"):
 * every access costs by the size of the buffer it reads (SRAM: 8 KB ≈ 10 pJ,
 * 32 KB ≈ 20 pJ, 1 MB ≈ 100 pJ, interpolated in log size, clamped).
 * ANN layer: per MAC a multiply (3.1 pJ) and an add (0.1 pJ), a weight read
 * and an input read; per output a write. SNN layer: per synaptic operation
 * an add, a weight read and a membrane read + write. 32-bit values; buffers
 * sized as one sample's activations and one layer's weights.
 */
export const memoryAwareEstimator = definePlugin({
  kind: 'energy',
  name: 'memory-aware',
  description: 'arithmetic + SRAM accesses priced by buffer size (Lemaire et al. 2022)',
  options: z.object({
    eMult: z.number().positive().default(3.1),
    eAdd: z.number().positive().default(0.1),
    /** [bytes, pJ per access] points, ascending. */
    sram: z
      .array(z.tuple([z.number().positive(), z.number().positive()]))
      .min(2)
      .default([
        [8 * 1024, 10],
        [32 * 1024, 20],
        [1024 * 1024, 100],
      ]),
  }),
  create: ({ eMult, eAdd, sram }): EnergyEstimator => {
    const access = (bytes: number): number => {
      const first = sram[0]!;
      const last = sram[sram.length - 1]!;
      if (bytes <= first[0]) return first[1];
      if (bytes >= last[0]) return last[1];
      for (let i = 1; i < sram.length; i++) {
        const [b1, e1] = sram[i]!;
        const [b0, e0] = sram[i - 1]!;
        if (bytes <= b1) return e0 + ((e1 - e0) * Math.log(bytes / b0)) / Math.log(b1 / b0);
      }
      return last[1];
    };
    const constants = {
      eMult,
      eAdd,
      ...Object.fromEntries(sram.map(([b, e]) => [`sram${Math.round(b / 1024)}KB`, e])),
    };
    return {
      name: 'memory-aware',
      constants,
      estimate: (ops, samples) => {
        const layers = ops.map((op): LayerEnergy => {
          const eWeight = access(op.weights * 4);
          const eInput = access(op.inputElements * 4);
          const eOutput = access(op.outputElements * 4);
          if (op.binaryInput) {
            // Event-driven: each accumulate reads a weight and updates a membrane potential.
            const acs = op.inputDensity * op.macs;
            return { label: op.label, macs: 0, acs, pj: acs * (eAdd + eWeight + 2 * eOutput) };
          }
          const outputs = op.batch * op.outputElements;
          const pj = op.macs * (eMult + eAdd + eWeight + eInput) + outputs * eOutput;
          return { label: op.label, macs: op.macs, acs: 0, pj };
        });
        const totalPj = layers.reduce((a, l) => a + l.pj, 0);
        return {
          estimator: 'memory-aware',
          constants,
          layers,
          totalPj,
          perSamplePj: totalPj / samples,
        };
      },
    };
  },
});
