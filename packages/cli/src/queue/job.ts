import type { AblationVariant } from '@spikedistill/core';
import type { JobsOptions } from 'bullmq';
import { type ProcessSetup, variantTask } from '../commands/ablate.js';
import type { VariantTask } from '../runner/task.js';

/**
 * A job's payload: the variant's task (resolved config, run facts, plugins,
 * backend) and where its run folder goes, relative to a worker's
 * `--results`: `<results>/<ablation>/<dir>`.
 */
export interface VariantJobData {
  /** The ablation folder's name (the last part of the coordinator's --out). */
  ablation: string;
  /** The variant's run folder name inside it. */
  dir: string;
  task: Omit<VariantTask, 'runDir' | 'resume' | 'force' | 'lockClaim'>;
}

/** What a job reports while it runs (`job.updateProgress`). */
export interface VariantJobProgress {
  worker: string;
  step: number;
  totalSteps: number;
  loss?: number;
}

/**
 * The job id of a variant: its identity (the hash of its resolved config),
 * prefixed because BullMQ refuses custom ids that read as integers — which a
 * 16-hex-digit hash is for about one variant in 2000.
 */
export const jobIdOf = (variant: Pick<AblationVariant, 'id'>) => `v${variant.id}`;

/**
 * The queue's view of a variant. Its job id is the variant's identity, the
 * hash of its resolved config: a variant that is queued, running or finished
 * is never enqueued twice, by this coordinator or another.
 */
export function variantJob(
  variant: AblationVariant,
  ablation: string,
  setup: ProcessSetup,
  options: { evalLimit?: number; retries: number },
): { name: string; data: VariantJobData; opts: JobsOptions & { jobId: string } } {
  const {
    runDir: _,
    resume: __,
    force: ___,
    ...task
  } = variantTask(variant, '', setup, {
    resume: true,
    evalLimit: options.evalLimit,
  });
  return {
    name: variant.label,
    data: { ablation, dir: variant.dir, task },
    opts: {
      jobId: jobIdOf(variant),
      attempts: options.retries + 1,
      backoff: { type: 'fixed', delay: 1000 },
      // Finished jobs stay: they are the record that a variant is done (and its summary).
      removeOnComplete: false,
      removeOnFail: false,
    },
  };
}
