import { definePlugin, type EvalProbe } from '@spikedistill/core';
import { z } from 'zod';
import { collectFiringRates, enableMonitors, neuronLayers, resetMonitors } from './collect.js';

/**
 * Reads the firing rate (spikes per neuron per time step) of every spiking
 * layer while a model is evaluated; models without spiking layers report
 * nothing. The trainer writes the rates with each evaluation.
 */
export const firingRateProbe = definePlugin({
  kind: 'probe',
  name: 'firingRates',
  description: 'firing rate of every spiking layer during evaluation',
  options: z.object({}),
  create: (): EvalProbe => ({
    name: 'firingRates',
    begin: (model) => {
      resetMonitors(model);
      enableMonitors(model, true);
    },
    end: (model) => {
      if (neuronLayers(model).length === 0) return {};
      const rates = Object.fromEntries(
        [...collectFiringRates(model)].map(([path, r]) => [path, r.rate]),
      );
      enableMonitors(model, false);
      resetMonitors(model);
      return rates;
    },
  }),
});
