import type { TrainSummary } from '@spikedistill/core';
import type { JobsOptions, Queue } from 'bullmq';
import type { VariantJobData } from './job.js';

export type VariantQueue = Queue<VariantJobData, TrainSummary>;

/** What enqueueing did with a variant: added it, or adopted the job already there. */
export type Adoption = 'added' | 'queued' | 'running' | 'done' | 'failed' | 'retried';

export interface Enqueued {
  id: string;
  label: string;
  how: Adoption;
  /** Set when the job there was enqueued for another ablation folder: its run is there. */
  elsewhere?: string;
}

/**
 * Puts every variant's job on the queue unless its job is there already
 * (same id = same resolved config): a queued or running one is followed, a
 * finished one is reused; a failed one is retried only with `retryFailed`
 * (`--resume`). BullMQ's `add` with a job id that exists adds nothing, so
 * two coordinators racing still make one job.
 */
export async function enqueueVariants(
  queue: VariantQueue,
  jobs: ReadonlyArray<{
    name: string;
    data: VariantJobData;
    opts: JobsOptions & { jobId: string };
  }>,
  options: { retryFailed: boolean },
): Promise<Enqueued[]> {
  const out: Enqueued[] = [];
  for (const job of jobs) {
    const id = job.opts.jobId;
    const existing = await queue.getJob(id);
    const state = existing ? await existing.getState() : 'unknown';
    const entry: Enqueued = { id, label: job.name, how: 'added' };
    if (existing && state !== 'unknown') {
      const theirs = `${existing.data.ablation}/${existing.data.dir}`;
      if (theirs !== `${job.data.ablation}/${job.data.dir}`) entry.elsewhere = theirs;
    }
    if (!existing || state === 'unknown') {
      // A job hash in no state (a torn write) would make `add` a no-op: clear it first.
      if (existing) await existing.remove();
      await queue.add(job.name, job.data, job.opts);
    } else if (state === 'completed') entry.how = 'done';
    else if (state === 'active') entry.how = 'running';
    else if (state !== 'failed') entry.how = 'queued';
    else if (options.retryFailed) {
      await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      entry.how = 'retried';
    } else entry.how = 'failed';
    out.push(entry);
  }
  return out;
}
