import type { Module } from '../nn/module.js';
import type { PluginRef } from '../plugin.js';
import type { Registry } from '../registry/registry.js';
import type { tf } from '../tf.js';
import type { Backbone } from './backbone.js';
import type { Quantizer } from './quantizer.js';
import type { Batch } from './dataset.js';

/** A loss broken into named, weighted terms (what progress and reports show). */
export interface StepLoss {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

/** The task loss (the config's `loss` list) applied to a prediction. */
export type TaskLoss = (prediction: tf.Tensor, target: tf.Tensor) => StepLoss;

/** What one forward pass of a trained model gave: its output and the taps asked for. */
export interface ModelRun {
  output: tf.Tensor;
  taps: Record<string, tf.Tensor>;
}

/** What the frozen teacher gave: its output only when a strategy asked for it. */
export interface TeacherRun {
  output?: tf.Tensor;
  taps: Record<string, tf.Tensor>;
}

/** Everything a strategy's loss may read for one batch. The trainer owns the tensors. */
export interface LossInputs {
  student: ModelRun;
  /** Computed once per batch outside the gradient tape (a constant for the update). */
  teacher?: TeacherRun;
  /** The strategy's twins, in the order `twins()` gave them, run under the tape. */
  twins: ModelRun[];
  batch: Batch;
  /** The config's task loss, for terms that need it (e.g. the twin's own task loss). */
  task: TaskLoss;
  /** The step being taken (1-based) and the run's total, for weight schedules. */
  step: number;
  totalSteps: number;
}

/** What the trainer must run for a strategy, each batch. */
export interface StrategyNeeds {
  /** The teacher's taps, and whether its output is needed too; false: no teacher run. */
  teacher: false | { taps: readonly string[]; output: boolean };
  studentTaps: readonly string[];
  twinTaps: readonly string[];
}

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
  /** The quantiser the student computes with, if any. */
  studentQuantizer?: Quantizer;
}

/**
 * What a `strategy` plugin creates (most easily with `defineStrategy`): the
 * loss terms a distillation scheme adds to the student's task loss. The
 * trainer runs the forward passes (the frozen teacher once per batch outside
 * the gradient tape, only as deep as the taps need; the student and twins
 * under it) and hands them to `loss`.
 */
export interface Strategy {
  readonly name: string;
  /** Whether it needs a teacher (known from the options; checked before anything trains). */
  readonly needsTeacher: boolean;
  /** Called once before training: builds adapters and twins, picks taps. */
  attach(models: StrategyModels, ctx: StrategyContext): void;
  /** Valid after `attach`. */
  readonly needs: StrategyNeeds;
  /** Trained modules of the strategy (adapters, twins) by name; optimised and checkpointed with the student. */
  modules(): Record<string, Module>;
  /** Models the trainer runs under the tape beside the student (TNA's twin). */
  twins(): readonly Backbone[];
  /** The strategy's own terms, weighted, by name; the trainer adds the task loss. */
  loss(inputs: LossInputs): Record<string, tf.Scalar>;
  dispose(): void;
}
