import { definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import type { NeuronOps } from '../neuron-counter.js';
import type { LayerOps } from '../op-counter.js';
import type { EnergyEstimator, LayerEnergy } from '../types.js';

const source =
  'Lemaire et al., "An analytical estimation of spiking neural networks energy efficiency", ICONIP 2022, with Horowitz ISSCC 2014 45 nm figures: 32-bit int add 0.1 pJ, mult 3.1 pJ; SRAM 64-bit access 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ';

/**
 * Arithmetic plus memory traffic, after Lemaire et al. 2022. An SRAM access
 * moves one `word`-bit word and costs by the size of the buffer it reads
 * (log-interpolated between the `sram` points, clamped); a b-bit value costs
 * b/word of an access, so weights are priced by their bit width (ternary: 2).
 * Buffers hold one sample's activations (or one layer's weights).
 *
 * - analog layer, per MAC: mult + add, a weight read, an input read (32-bit);
 *   per output a write (32-bit).
 * - spiking layer: its input spike map is read once (1 bit per neuron-step);
 *   per accumulate (density × MACs): add, a weight read, and a read and a
 *   write of the output's partial sum (32-bit).
 * - neuron layer, per neuron and time step: leak (a mult, not for IF),
 *   charge (add), threshold compare (add), reads of its input current and
 *   membrane and a membrane write (32-bit), its spike written (1 bit); per
 *   spike a reset (add).
 */
export const memoryAwareEstimator = definePlugin({
  kind: 'energy',
  name: 'memory-aware',
  description:
    'arithmetic + SRAM accesses priced by buffer size and bit width, spike maps and membrane updates (Lemaire et al. 2022)',
  options: z.object({
    eMult: z.number().positive().default(3.1).describe('pJ per multiply'),
    eAdd: z.number().positive().default(0.1).describe('pJ per add or compare'),
    sram: z
      .array(z.tuple([z.number().positive(), z.number().positive()]))
      .min(2)
      .default([
        [8 * 1024, 10],
        [32 * 1024, 20],
        [1024 * 1024, 100],
      ])
      .describe('[buffer bytes, pJ per word access] points, ascending'),
    wordBits: z.number().int().positive().default(64).describe('bits per SRAM access'),
    activationBits: z.number().int().positive().default(32),
    membraneBits: z.number().int().positive().default(32),
  }),
  create: ({ eMult, eAdd, sram, wordBits, activationBits, membraneBits }): EnergyEstimator => {
    /** pJ of one word access in a buffer of `bytes`. */
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
    /** pJ to read or write one `bits`-bit value of a buffer of `count` such values. */
    const value = (count: number, bits: number) => (access((count * bits) / 8) * bits) / wordBits;
    const constants = {
      eMult,
      eAdd,
      ...Object.fromEntries(sram.map(([b, e]) => [`sram${sizeName(b)}`, e])),
    };
    const bits = { word: wordBits, activation: activationBits, membrane: membraneBits, spike: 1 };

    const layer = (op: LayerOps): LayerEnergy => {
      const weight = value(op.weights, op.weightBits);
      const output = value(op.outputElements, activationBits);
      if (op.spikeInput) {
        const acs = op.inputDensity * op.macs;
        // A spike is 1 bit; an average-pooled spike count up to k² needs log2(k² + 1).
        const inputBits = Math.ceil(Math.log2(Math.max(op.spikesPerValue, 1) + 1));
        const spikeReads = op.batch * op.inputElements * value(op.inputElements, inputBits);
        const memoryPj = acs * (weight + 2 * output) + spikeReads;
        return { label: op.label, macs: 0, acs, pj: acs * eAdd + memoryPj, memoryPj };
      }
      const input = value(op.inputElements, activationBits);
      const memoryPj = op.macs * (weight + input) + op.batch * op.outputElements * output;
      return {
        label: op.label,
        macs: op.macs,
        acs: 0,
        pj: op.macs * (eMult + eAdd) + memoryPj,
        memoryPj,
      };
    };
    const neuronLayer = (n: NeuronOps): LayerEnergy => {
      const perUpdate = (n.leak ? eMult : 0) + 2 * eAdd;
      const memoryPj = n.neuronSteps * (3 * value(n.neurons, membraneBits) + value(n.neurons, 1));
      const pj = n.neuronSteps * perUpdate + n.spikes * eAdd + memoryPj;
      return { label: `neurons ${n.label}`, macs: 0, acs: 0, pj, memoryPj };
    };

    return {
      name: 'memory-aware',
      source,
      constants,
      bits,
      estimate: (ops, samples, neurons = []) => {
        const layers = [...ops.map(layer), ...neurons.map(neuronLayer)];
        const totalPj = layers.reduce((a, l) => a + l.pj, 0);
        return {
          estimator: 'memory-aware',
          source,
          constants,
          bits,
          layers,
          totalPj,
          perSamplePj: totalPj / samples,
        };
      },
    };
  },
});

const sizeName = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)}MB` : `${Math.round(bytes / 1024)}KB`;
