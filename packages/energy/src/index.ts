import type { PluginPackage, Registry } from '@spikedistill/core';
import { macAcEstimator } from './estimators/mac-ac.js';
import { memoryAwareEstimator } from './estimators/memory-aware.js';

export { type EnergyFile, type EnergyFileModel, toEnergyFile } from './energy-file.js';
export { layerEnergy } from './estimators/mac-ac.js';
export { measureEnergy, type ModelEnergy } from './measure.js';
export { type NeuronOps, watchNeurons } from './neuron-counter.js';
export {
  type CountOptions,
  countOps,
  type LayerOps,
  SpikeTracker,
  weightBitsOf,
} from './op-counter.js';
export { compareEnergy, describeConstants, formatEnergyTable } from './report.js';
export type { EnergyEstimator, EnergyReport, LayerEnergy } from './types.js';
export { macAcEstimator, memoryAwareEstimator };

export const packageName = '@spikedistill/energy';

/** Registers the energy estimators. */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      r.register(macAcEstimator);
      r.register(memoryAwareEstimator);
    },
  });
}

/** For `createRegistry({ packages: [corePackage, energyPackage] })`. */
export const energyPackage: PluginPackage = { name: packageName, register };
