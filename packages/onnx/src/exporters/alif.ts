import { AlifNeuron } from '@spikedistill/neurons';
import { defineExporter } from './exporter.js';
import { chargeLif, fire, resetLif, unrollNeuron } from './neuron-dynamics.js';

/** Adaptive-threshold LIF: θ[t] = θ₀ + b·A[t−1], A[t] = A − A/τ_a + S; A[0] = 0. */
export const alifExporter = defineExporter({
  layer: AlifNeuron,
  role: 'neuron',
  export(ctx, neuron, { current, timesteps }) {
    const g = ctx.graph;
    const { tau, threshold, vReset, decayInput, tauAdapt, adaptation } = neuron.options;
    const initial = { v: g.floats(vReset ?? 0), a: g.floats(0) };
    return unrollNeuron(g, current, timesteps, initial, (x, { v, a }) => {
      const theta = g.op('Add', [g.op('Mul', [a!, g.floats(adaptation)]), g.floats(threshold)]);
      const h = chargeLif(g, v!, x, 1 / tau, vReset, decayInput);
      const spikes = fire(g, h, theta);
      const aNext = g.op('Add', [g.op('Sub', [a!, g.op('Div', [a!, g.floats(tauAdapt)])]), spikes]);
      return { spikes, state: { v: resetLif(g, h, spikes, vReset, theta), a: aNext } };
    });
  },
});
