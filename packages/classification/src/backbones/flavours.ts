import { type Context, tf } from '@spikedistill/core';
import type { Flavour } from './classifier.js';
import type { AnnFlavourOptions, SpikingFlavourOptions } from './options.js';
import { MembraneReadout, SpikeCountReadout } from './readout.js';
import { annUnits, spikingUnits } from './units.js';

/** Spiking units, the encoder over T steps, and the chosen readout; neuron and encoder come from the registry. */
export function spikingFlavour(o: SpikingFlavourOptions, ctx: Context): Flavour {
  const neuron = ctx.registry.createFrom('neuron', o.neuron, `${ctx.path}.options.neuron`);
  const encoder = ctx.registry.createFrom('encoder', o.encoder, `${ctx.path}.options.encoder`);
  return {
    spiking: true,
    timesteps: o.timesteps,
    units: spikingUnits(ctx.rng, o.norm, neuron),
    encode: (x) => encoder.encode(x, o.timesteps),
    readout: (i, k) =>
      o.readout === 'spikes'
        ? new SpikeCountReadout(ctx.rng, i, k, neuron)
        : new MembraneReadout(ctx.rng, i, k),
  };
}

/** ReLU units on a single "step" (T = 1) and a linear head: the same architecture as an ANN. */
export function annFlavour(o: AnnFlavourOptions, ctx: Context): Flavour {
  return {
    spiking: false,
    timesteps: 1,
    units: annUnits(ctx.rng, o.norm),
    encode: (x) => tf.expandDims(x, 0),
    readout: (i, k) => new MembraneReadout(ctx.rng, i, k),
  };
}
