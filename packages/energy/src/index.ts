import type { Registry } from '@spikedistill/core';
import { macAcEstimator } from './estimators/mac-ac.js';
import { memoryAwareEstimator } from './estimators/memory-aware.js';

export { layerEnergy } from './estimators/mac-ac.js';
export { measureEnergy, type ModelEnergy } from './measure.js';
export { countOps, type LayerOps } from './op-counter.js';
export { compareEnergy, formatEnergyTable } from './report.js';
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
