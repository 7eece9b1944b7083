import type { Module } from '@spikedistill/core';
import { Neuron } from '../neurons/neuron.js';
import type { FiringRate, MembraneStats } from './monitor.js';

/** Every neuron layer in a model tree, by dotted path (`enc1.neuron`). */
export function neuronLayers(model: Module): Array<[string, Neuron]> {
  return model.modules().filter((e): e is [string, Neuron] => e[1] instanceof Neuron);
}

/** Turns the monitors of every neuron layer on (or off); what they hold is kept. */
export function enableMonitors(model: Module, on = true): void {
  for (const [, n] of neuronLayers(model)) n.monitor.enabled = on;
}

/** Clears what the monitors recorded (and frees their few tensors). */
export function resetMonitors(model: Module): void {
  for (const [, n] of neuronLayers(model)) n.monitor.reset();
}

/**
 * Firing rates of every monitored layer that recorded something, by dotted
 * path. This is the only place monitor values are downloaded.
 */
export function collectFiringRates(model: Module): Map<string, FiringRate> {
  const out = new Map<string, FiringRate>();
  for (const [path, n] of neuronLayers(model)) {
    if (n.monitor.hasData) out.set(path, n.monitor.firingRate());
  }
  return out;
}

/** Membrane (pre-reset H) statistics of every monitored layer, by dotted path. */
export function collectMembraneStats(model: Module): Map<string, MembraneStats> {
  const out = new Map<string, MembraneStats>();
  for (const [path, n] of neuronLayers(model)) {
    if (n.monitor.hasData) out.set(path, n.monitor.membraneStats());
  }
  return out;
}
