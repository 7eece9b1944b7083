import { LifNeuron } from '@spikedistill/neurons';
import { defineExporter } from './exporter.js';
import { chargeLif, fire, resetLif, unrollNeuron } from './neuron-dynamics.js';

/** LIF (and IF, its subclass with τ = ∞): charge, fire on H ≥ θ, hard or soft reset; V[0] = V_r. */
export const lifExporter = defineExporter({
  layer: LifNeuron,
  role: 'neuron',
  export(ctx, neuron, { current, timesteps }) {
    const g = ctx.graph;
    const { tau, threshold, vReset, decayInput } = neuron.options;
    return unrollNeuron(g, current, timesteps, { v: g.floats(vReset ?? 0) }, (x, { v }) => {
      const h = chargeLif(g, v!, x, 1 / tau, vReset, decayInput);
      const spikes = fire(g, h, threshold);
      return { spikes, state: { v: resetLif(g, h, spikes, vReset, threshold) } };
    });
  },
});
