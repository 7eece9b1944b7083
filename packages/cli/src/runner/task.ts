import type { ExperimentConfig, LockClaim, RefValue, TrainSummary } from '@spikedistill/core';

/** Plugin packages to load: specs as a user wrote them, resolved from `baseDir`. */
export interface PluginSource {
  specs: string[];
  baseDir: string;
}

/**
 * One ablation variant to train in a process of its own, as plain data: a
 * child process (local `--jobs`) or a queue job (`worker`) receives it whole.
 */
export interface VariantTask {
  label: string;
  /** The variant's identity (hash of its resolved config). */
  id: string;
  values: Record<string, unknown>;
  /** The resolved config; its name is the run folder's. */
  config: ExperimentConfig;
  runDir: string;
  resume: boolean;
  force?: boolean;
  evalLimit?: number;
  /** The backend to ask for: the config's (with `--backend` applied), or a worker's `--backend`. */
  backend: RefValue;
  plugins: PluginSource[];
  lockClaim?: LockClaim;
}

/** What a variant's process reports while it trains. */
export interface Progress {
  step: number;
  totalSteps: number;
  loss?: number;
}

/** How a variant's process ended. */
export type Outcome =
  | { type: 'done'; summary: TrainSummary }
  | { type: 'failed'; code: string; message: string }
  /** Stopped on request with a checkpoint of `step`: to be continued, not a failure. */
  | { type: 'stopped'; step: number };

/** Messages from the parent to a variant's process. */
export type ToChild = { type: 'run'; task: VariantTask } | { type: 'stop' };

/** Messages from a variant's process to its parent. */
export type FromChild = { type: 'log'; line: string } | ({ type: 'progress' } & Progress) | Outcome;

/** `E_CODE: message` of a failed outcome, as ablation.json records errors. */
export const outcomeError = (o: Extract<Outcome, { type: 'failed' }>) => `${o.code}: ${o.message}`;
