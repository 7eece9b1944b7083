import { tf } from '@spikedistill/core';
import { PlifNeuron } from '@spikedistill/neurons';
import { defineExporter } from './exporter.js';
import { chargeLif, fire, resetLif, unrollNeuron } from './neuron-dynamics.js';

/** Parametric LIF: LIF with the learnt 1/τ = sigmoid(w), taken as computed by tfjs. */
export const plifExporter = defineExporter({
  layer: PlifNeuron,
  role: 'neuron',
  export(ctx, neuron, { current, timesteps }) {
    const g = ctx.graph;
    const { threshold, vReset, decayInput } = neuron.options;
    const k = tf.tidy(() => tf.sigmoid(neuron.w).dataSync()[0]!);
    return unrollNeuron(g, current, timesteps, { v: g.floats(vReset ?? 0) }, (x, { v }) => {
      const h = chargeLif(g, v!, x, k, vReset, decayInput);
      const spikes = fire(g, h, threshold);
      return { spikes, state: { v: resetLif(g, h, spikes, vReset, threshold) } };
    });
  },
});
