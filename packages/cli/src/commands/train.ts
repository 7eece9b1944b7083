import { join } from 'node:path';
import {
  buildExperiment,
  disposeExperiment,
  type ExperimentConfig,
  type LockClaim,
  type Registry,
  type TrainSummary,
  train,
  trainerOptions,
} from '@spikedistill/core';
import { frozenTeacher } from '../frozen-teacher.js';
import { writeComparisonGrid } from '../image-grid.js';
import { attachProgress } from '../progress.js';
import { scoresTable } from '../tables.js';

export interface TrainCommandOptions {
  runDir: string;
  resume: boolean;
  /** Replace a run already in the folder. */
  force?: boolean;
  evalLimit?: number;
  /** Write an image grid of a few test images (noisy | student | clean). */
  grid: boolean;
  /** Facts for run.json (ablation label, swept values, backend). */
  runInfo?: Record<string, unknown>;
  /** Stop between steps with a checkpoint (a queue worker shutting down). */
  signal?: AbortSignal;
  /** The queue's lease on the run folder (see core's `LockClaim`). */
  lockClaim?: LockClaim;
  log: (line: string) => void;
}

/** Trains one experiment with progress, then prints its scores and where its files are. */
export async function trainCommand(
  registry: Registry,
  config: ExperimentConfig,
  options: TrainCommandOptions,
): Promise<TrainSummary> {
  const detach = attachProgress(registry.events, options.log);
  const parts = buildExperiment(registry, config);
  try {
    parts.frozenTeacher = await frozenTeacher(parts, config, options.log);
    options.log(
      `${config.name}: student ${config.student.name} (${parts.student.parameterCount().toLocaleString('en-US')} parameters, T=${parts.student.timesteps}), strategy ${config.strategy.name}${parts.teacher ? `, teacher ${config.teacher?.name}` : ''}, seed ${config.seed}`,
    );
    const summary = await train(
      parts,
      trainerOptions(registry, config, {
        runDir: options.runDir,
        resume: options.resume,
        force: options.force,
        evalLimit: options.evalLimit,
        runInfo: options.runInfo,
        signal: options.signal,
        lockClaim: options.lockClaim,
      }),
      registry.events,
    );
    options.log(scoresTable([{ label: config.name, scores: summary.eval }]));
    if (options.grid) {
      const set = parts.data.evalSets()[0];
      if (set) {
        const path = join(options.runDir, 'samples.png');
        await writeComparisonGrid(path, set, [parts.student]);
        options.log(`sample images (noisy | student | clean): ${path}`);
      }
    }
    options.log(
      `run files: ${options.runDir} (student.safetensors, summary.json, loss.jsonl, metrics.jsonl, checkpoints/)`,
    );
    return summary;
  } finally {
    detach();
    parts.frozenTeacher?.dispose();
    disposeExperiment(parts);
  }
}
