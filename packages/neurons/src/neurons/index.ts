import { alifNeuron } from './alif.js';
import { ifNeuron } from './if.js';
import { leakyNeuron } from './leaky.js';
import { lifNeuron } from './lif.js';
import { plifNeuron } from './plif.js';

export { type AlifOptions, AlifNeuron, alifNeuron, alifOptions } from './alif.js';
export { defineNeuron } from './define-neuron.js';
export { chargeLif, resetLif } from './dynamics.js';
export { type IfOptions, IfNeuron, ifNeuron, ifOptions } from './if.js';
export {
  type LeakyOptions,
  type LeakyReset,
  LeakyNeuron,
  leakyNeuron,
  leakyOptions,
} from './leaky.js';
export { type LifOptions, LifNeuron, lifNeuron, lifOptions } from './lif.js';
export {
  BaseNode,
  type FireResetOptions,
  Neuron,
  type NeuronState,
  type StepResult,
} from './neuron.js';
export { lifFamilyOptions, resolveSurrogate, type SurrogateRef } from './options.js';
export { type PlifOptions, PlifNeuron, plifNeuron, plifOptions } from './plif.js';

export const neuronPlugins = [ifNeuron, lifNeuron, plifNeuron, leakyNeuron, alifNeuron] as const;
