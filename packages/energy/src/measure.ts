import type { Backbone, Registry } from '@spikedistill/core';
import { tf } from '@spikedistill/core';
import { countOps, type LayerOps } from './op-counter.js';
import type { EnergyReport } from './types.js';

export interface ModelEnergy {
  model: string;
  spiking: boolean;
  timesteps: number;
  parameters: number;
  ops: LayerOps[];
  /** One report per estimator. */
  reports: EnergyReport[];
  /** Mean density of the binary (spike) inputs, weighted by MACs: the network's firing rate. */
  firingRate: number | undefined;
}

/**
 * Counts the operations of one inference of `model` on `input` (real data:
 * firing rates depend on it) and prices them with each estimator.
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
  const ops = countOps(() => {
    tf.tidy(() => {
      model.forward(input, { training: false });
    });
  });
  model.train(wasTraining);
  const samples = input.shape[0];
  const spikeOps = ops.filter((o) => o.binaryInput);
  const spikeMacs = spikeOps.reduce((a, o) => a + o.macs, 0);
  return {
    model: name,
    spiking: model.spiking,
    timesteps: model.timesteps,
    parameters: model.parameterCount(),
    ops,
    reports: estimators.map((e) =>
      registry.create('energy', e, {}, `energy.${e}`).estimate(ops, samples),
    ),
    firingRate: spikeMacs
      ? spikeOps.reduce((a, o) => a + o.inputDensity * o.macs, 0) / spikeMacs
      : undefined,
  };
}
