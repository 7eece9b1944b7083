import {
  corePackage,
  createRegistry,
  type PluginPackage,
  type PluginRef,
  parseConfigText,
  parseExperimentConfig,
  type Registry,
} from '@spikedistill/core';
import { type NeuronFactory, neuronsPackage } from '@spikedistill/neurons';
import { learnableThresholdLif } from './learnable-threshold-lif.js';

export { LearnableThresholdLif, learnableThresholdLif } from './learnable-threshold-lif.js';

export const packageName = '@spikedistill/example-custom-neuron';

/** Registers the example's neuron (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({ name: packageName, register: (r) => r.register(learnableThresholdLif) });
}

export const customNeuronPackage: PluginPackage = { name: packageName, register };

/** Core's backends, every built-in neuron plugin, and the example's. */
export function exampleRegistry(seed = 1): Registry {
  return createRegistry({ packages: [corePackage, neuronsPackage, customNeuronPackage], seed });
}

/**
 * Reads an experiment config (YAML or JSON text) and creates the neuron its
 * student names, `student.options.neuron`, through the registry.
 */
export function neuronFromConfig(
  registry: Registry,
  text: string,
  format: 'yaml' | 'json' = 'yaml',
): NeuronFactory {
  const config = parseExperimentConfig(parseConfigText(text, format, 'experiment'), 'experiment');
  const ref = config.student.options?.neuron as PluginRef | string | undefined;
  if (!ref) throw new Error('experiment: student.options.neuron is missing');
  return registry.createFrom('neuron', ref, 'student.options.neuron');
}
