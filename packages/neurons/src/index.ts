export * from './encoders/index.js';
export type { Encoder, NeuronFactory } from './kinds.js';
export {
  collectFiringRates,
  collectMembraneStats,
  enableMonitors,
  neuronLayers,
  resetMonitors,
} from './monitors/collect.js';
export { type FiringRate, type MembraneStats, NeuronMonitor } from './monitors/monitor.js';
export { firingRateProbe } from './monitors/firing-rate-probe.js';
export * from './neurons/index.js';
export { neuronsPackage, packageName, register } from './register.js';
export * from './surrogates/index.js';
export * from './temporal/index.js';
export { detach } from './util/detach.js';
