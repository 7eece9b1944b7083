import { tf } from '@spikedistill/core';
import { LeakyNeuron } from '@spikedistill/neurons';
import type { Value } from '../graph/builder.js';
import { defineExporter } from './exporter.js';
import { fireStrict, unrollNeuron } from './neuron-dynamics.js';

/**
 * snnTorch's Leaky: the reset of the previous step's spike (U[t−1] > θ)
 * applied before charging (or, without resetDelay, this step's), fire on U > θ.
 */
export const leakyExporter = defineExporter({
  layer: LeakyNeuron,
  role: 'neuron',
  export(ctx, neuron, { current, timesteps }) {
    const g = ctx.graph;
    const { threshold: th, resetMechanism, resetDelay } = neuron.options;
    const betaValue = neuron.beta
      ? tf.tidy(() => tf.clipByValue(neuron.beta!, 0, 1).dataSync()[0]!)
      : Math.min(Math.max(neuron.options.beta, 0), 1);
    const beta = g.floats(betaValue);
    const thc = g.floats(th);
    return unrollNeuron(g, current, timesteps, { u: g.floats(0) }, (x, { u }) => {
      const reset = fireStrict(g, u!, th);
      let base: Value;
      if (resetMechanism === 'subtract') {
        base = g.op('Sub', [g.op('Add', [g.op('Mul', [u!, beta]), x]), g.op('Mul', [reset, thc])]);
      } else if (resetMechanism === 'zero') {
        const kept = g.op('Mul', [g.op('Sub', [g.floats(1), reset]), u!]);
        base = g.op('Add', [g.op('Mul', [kept, beta]), x]);
      } else {
        base = g.op('Add', [g.op('Mul', [u!, beta]), x]);
      }
      const spikes = fireStrict(g, base, th);
      let next = base;
      if (!resetDelay && resetMechanism !== 'none') {
        const doReset = g.op('Sub', [spikes, reset]);
        next =
          resetMechanism === 'subtract'
            ? g.op('Sub', [base, g.op('Mul', [doReset, thc])])
            : g.op('Sub', [base, g.op('Mul', [doReset, base])]);
      }
      return { spikes, state: { u: next } };
    });
  },
});
