export { type NeuronConformanceOptions, neuronChecks, neuronConformance } from './conformance.js';
export { neuronsRegistry } from './registry.js';
