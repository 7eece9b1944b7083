import type { Backbone, Registry } from '@spikedistill/core';
import { tf } from '@spikedistill/core';
import { type NeuronOps, watchNeurons } from './neuron-counter.js';
import { countOps, type LayerOps, SpikeTracker } from './op-counter.js';
import type { EnergyReport } from './types.js';

export interface ModelEnergy {
  model: string;
  spiking: boolean;
  timesteps: number;
  parameters: number;
  ops: LayerOps[];
  /** Neuron layers' updates and spikes (empty for an ANN). */
  neurons: NeuronOps[];
  /** One report per estimator. */
  reports: EnergyReport[];
  /** Spikes per neuron per time step over all neuron layers (undefined without neurons). */
  firingRate: number | undefined;
}

/**
 * Counts the operations of one inference of `model` on `input` (real data:
 * firing rates depend on it) and prices them with each estimator. A layer
 * counts as spiking when its input comes from a neuron layer of the model
 * (through reshapes, concatenations, padding, upsampling …), whatever values
 * it holds.
 */
export function measureEnergy(
  registry: Registry,
  name: string,
  model: Backbone,
  input: tf.Tensor4D,
  estimators: readonly string[] = ['mac-ac-45nm', 'memory-aware'],
): ModelEnergy {
  const wasTraining = model.training;
  model.eval();
  const spikes = new SpikeTracker();
  const watcher = watchNeurons(model, spikes);
  let neurons: NeuronOps[] = [];
  let ops: LayerOps[];
  try {
    ops = countOps(
      () => {
        tf.tidy(() => {
          model.forward(input, { training: false });
        });
      },
      { spikes },
    );
  } finally {
    neurons = watcher.stop();
    model.resetState();
    model.train(wasTraining);
  }
  const samples = input.shape[0];
  const steps = neurons.reduce((a, n) => a + n.neuronSteps, 0);
  return {
    model: name,
    spiking: model.spiking,
    timesteps: model.timesteps,
    parameters: model.parameterCount(),
    ops,
    neurons,
    reports: estimators.map((e) =>
      registry.create('energy', e, {}, `energy.${e}`).estimate(ops, samples, neurons),
    ),
    firingRate: steps ? neurons.reduce((a, n) => a + n.spikes, 0) / steps : undefined,
  };
}
