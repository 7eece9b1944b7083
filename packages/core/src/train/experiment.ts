import type { Backbone } from '../contracts/backbone.js';
import type { Strategy } from '../contracts/strategy.js';
import { resolve } from 'node:path';
import { checkConfigPlugins } from '../config/check-plugins.js';
import { relativeConfigPaths } from '../config/paths.js';
import type { ExperimentConfig, ModelRefConfig } from '../config/schema.js';
import type { Quantizer } from '../contracts/quantizer.js';
import { loadState, readSafetensorsFile } from '../io/state-dict.js';
import type { Registry } from '../registry/registry.js';
import type { LockClaim } from './run-folder.js';
import { type TrainerOptions, type TrainerParts, type TrainSummary, train } from './trainer.js';

/** Loads a weights file into a backbone: its own names, or through `importWeights` (e.g. PyTorch names). */
export function loadBackboneWeights(model: Backbone, path: string): void {
  const { tensors } = readSafetensorsFile(path);
  const own = model.stateDict();
  const ownNames = [...own.keys()].every((name) => tensors.has(name));
  if (ownNames || !model.importWeights) loadState(model, tensors, { source: path });
  else model.importWeights(tensors, path);
}

export interface BuiltModel {
  model: Backbone;
  /** The quantiser its weights are computed with, when its config names one. */
  quantizer?: Quantizer;
}

/**
 * Builds a config's student or teacher the way training does: created
 * through the registry, its quantiser applied (so a ternary student is
 * evaluated and exported as it was trained), its weights loaded.
 */
export function buildModel(
  registry: Registry,
  ref: ModelRefConfig,
  path: 'student' | 'teacher',
  weights: string | undefined = ref.weights,
): BuiltModel {
  const model = registry.createFrom('backbone', ref, path);
  try {
    const quantizer = ref.quantizer
      ? registry.createFrom('quantizer', ref.quantizer, `${path}.quantizer`)
      : undefined;
    if (quantizer) model.setWeightTransform(quantizer.quantize);
    if (weights) loadBackboneWeights(model, weights);
    return { model, quantizer };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * Builds everything an experiment config names, through the registry, after
 * checking every reference (so a typo fails before any model is built).
 */
export function buildExperiment(registry: Registry, config: ExperimentConfig): TrainerParts {
  checkConfigPlugins(registry, config);
  const studentRef = config.student;
  const data = registry.createFrom('dataset', config.data, 'data');
  const { model: student, quantizer: studentQuantizer } = buildModel(
    registry,
    studentRef,
    'student',
  );
  const teacher = config.teacher
    ? buildModel(registry, config.teacher, 'teacher').model
    : undefined;
  const strategy = registry.createFrom('strategy', config.strategy, 'strategy') as Strategy;
  strategy.attach(
    { student, teacher },
    { registry, path: 'strategy', studentRef, studentQuantizer },
  );
  const losses = config.loss.map((ref, i) => registry.createFrom('loss', ref, `loss.${i}`));
  const metrics = config.metrics.map((ref, i) =>
    registry.createFrom('metric', ref, `metrics.${i}`),
  );
  const optimizer = registry.createFrom('optimizer', config.train.optimizer, 'train.optimizer');
  const schedule = registry.createFrom(
    'schedule',
    config.train.schedule,
    'train.schedule',
  )(config.train.lr);
  // Every registered probe reads what it can (e.g. firing rates of spiking students).
  const probes = registry.list('probe').map((name) => registry.create('probe', name, {}));
  return { student, teacher, strategy, losses, metrics, data, optimizer, schedule, probes };
}

/** Frees every model and the data pipeline of an experiment. */
export function disposeExperiment(parts: TrainerParts): void {
  parts.strategy.dispose();
  parts.student.dispose();
  parts.teacher?.dispose();
  parts.data.close?.();
}

export interface RunOptions {
  /** Directory for this run's checkpoints, logs and weights. */
  runDir?: string;
  resume?: boolean;
  force?: boolean;
  evalLimit?: number;
  runInfo?: Record<string, unknown>;
  /** See `TrainerOptions.signal`. */
  signal?: AbortSignal;
  /** See `TrainerOptions.lockClaim`. */
  lockClaim?: LockClaim;
}

/**
 * The trainer's options for a config: its `train` section plus where and how
 * to run. The config it records (`config.json`, checkpoints) names its paths
 * relative to the run folder, so a copied or cloned run folder is the same run.
 */
export function trainerOptions(
  registry: Registry,
  config: ExperimentConfig,
  options: RunOptions = {},
): TrainerOptions {
  const { optimizer: _, schedule: __, ...train } = config.train;
  const recorded = options.runDir
    ? relativeConfigPaths(registry, config, resolve(options.runDir))
    : config;
  return {
    ...train,
    ...options,
    configJson: JSON.stringify(recorded),
    runName: config.name,
    runInfo: { seed: config.seed, ...options.runInfo },
  };
}

/** Builds, trains and disposes one experiment; returns the training summary. */
export async function runExperiment(
  registry: Registry,
  config: ExperimentConfig,
  options: RunOptions = {},
): Promise<TrainSummary> {
  const parts = buildExperiment(registry, config);
  try {
    return await train(parts, trainerOptions(registry, config, options), registry.events);
  } finally {
    disposeExperiment(parts);
  }
}
