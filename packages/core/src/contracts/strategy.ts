import type { Module } from '../nn/module.js';
import type { PluginRef } from '../plugin.js';
import type { Registry } from '../registry/registry.js';
import type { tf } from '../tf.js';
import type { Backbone } from './backbone.js';
import type { Batch } from './dataset.js';

/** A loss broken into named, weighted terms (what progress and reports show). */
export interface StepLoss {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/** The task loss (the config's `loss` list) applied to a prediction. */
export type TaskLoss = (prediction: tf.Tensor, target: tf.Tensor) => StepLoss;

export interface StrategyModels {
  student: Backbone;
  teacher?: Backbone;
}

export interface StrategyContext {
  registry: Registry;
  /** Config path of the strategy, for errors and for deriving random streams. */
  path: string;
  /** How the student was made, so a strategy can build another (TNA's twin). */
  studentRef: PluginRef;
}

/**
 * What a `strategy` plugin creates: how a batch becomes a loss for the
 * student — alone (`none`), with teacher hints, output KD, or a twin (TNA).
 */
export interface Strategy {
  readonly name: string;
  /** Whether it needs a teacher (the trainer errors early if the config has none). */
  readonly needsTeacher: boolean;
  /** Called once before training: build adapters, a twin, pick taps. */
  attach(models: StrategyModels, ctx: StrategyContext): void;
  /** Extra trained modules (adapters, twin), by name; optimised and checkpointed with the student. */
  modules(): Record<string, Module>;
  /** The loss of one batch; runs inside the optimiser's gradient tape. */
  loss(batch: Batch, task: TaskLoss): StepLoss;
  dispose(): void;
}
