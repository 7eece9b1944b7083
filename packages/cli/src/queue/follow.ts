import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, JobsOptions } from 'bullmq';
import type { Outcome } from '../runner/task.js';
import type { VariantQueue } from './enqueue.js';
import type { VariantJobData, VariantJobProgress } from './job.js';
import type { GridRow } from './table.js';

export interface FollowOptions {
  /** Lines for the user: state changes and the remote runs' log lines, `[variant] …`. */
  say: (line: string) => void;
  /** The grid after every poll (a terminal redraws its table). */
  show?: (rows: readonly GridRow[]) => void;
  /** A variant's job ended (completed, or failed after its last attempt). */
  onEnd: (index: number, outcome: Outcome) => void;
  pollMs?: number;
}

type JobSpec = { name: string; data: VariantJobData; opts: JobsOptions & { jobId: string } };

/**
 * Follows every variant's job until each has completed or failed for good.
 * The queue is read, not listened to: each poll reads the job's state,
 * progress (which worker, which step) and new log lines, so nothing is
 * missed while this process is away or Redis restarts. A job that vanished
 * (a Redis restarted without persistence) is enqueued again.
 */
export async function followGrid(
  queue: VariantQueue,
  jobs: readonly JobSpec[],
  options: FollowOptions,
): Promise<GridRow[]> {
  const rows: GridRow[] = jobs.map((j) => ({ label: j.name, state: 'queued' }));
  const logsRead = jobs.map(() => 0);
  const open = new Set(jobs.keys());
  for (;;) {
    for (const i of [...open]) {
      const spec = jobs[i]!;
      const row = rows[i]!;
      const job = await queue.getJob(spec.opts.jobId);
      const state = job ? await job.getState() : 'unknown';
      if (!job || state === 'unknown') {
        options.say(
          `[${spec.name}] its job is gone from the queue (Redis restarted without persistence?): enqueued again`,
        );
        await queue.add(spec.name, spec.data, spec.opts);
        logsRead[i] = 0;
        continue;
      }
      const { logs } = await queue.getJobLogs(spec.opts.jobId, logsRead[i]);
      logsRead[i]! += logs.length;
      for (const line of logs) options.say(`[${spec.name}] ${line}`);
      const before = { state: row.state, worker: row.worker };
      Object.assign(row, rowOf(job, state));
      if (row.state !== before.state || row.worker !== before.worker) options.say(transition(row));
      if (state === 'completed') {
        open.delete(i);
        options.onEnd(i, { type: 'done', summary: job.returnvalue });
      } else if (state === 'failed') {
        open.delete(i);
        options.onEnd(i, failedOutcome(job.failedReason));
      }
    }
    options.show?.(rows);
    if (!open.size) return rows;
    await sleep(options.pollMs ?? 1000);
  }
}

/** A row from the job: BullMQ's states folded into the grid's. */
export function rowOf(
  job: Pick<
    Job<VariantJobData>,
    'progress' | 'processedBy' | 'attemptsMade' | 'opts' | 'failedReason'
  >,
  state: string,
): Omit<GridRow, 'label'> {
  const reported =
    job.progress && typeof job.progress === 'object'
      ? (job.progress as VariantJobProgress)
      : undefined;
  // A job taken over keeps its previous worker's progress until the new one reports:
  // the worker is the one BullMQ gave the job to, its step only what that worker said.
  const worker = job.processedBy || reported?.worker;
  const progress = reported?.worker === worker ? reported : undefined;
  const base = {
    worker,
    step: progress?.step,
    totalSteps: progress?.totalSteps,
    loss: progress?.loss,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    error: job.failedReason || undefined,
  };
  if (state === 'completed') return { ...base, state: 'done', error: undefined };
  if (state === 'failed') return { ...base, state: 'failed' };
  if (state === 'active') return { ...base, state: 'running' };
  // Waiting again after a failed attempt: a retry, not a fresh job.
  return { ...base, state: job.attemptsMade > 0 ? 'retrying' : 'queued', worker: undefined };
}

function transition(row: GridRow): string {
  const who = row.worker ? ` on ${row.worker}` : '';
  switch (row.state) {
    case 'running':
      return `[${row.label}] running${who}`;
    case 'done':
      return `[${row.label}] done${who}`;
    case 'failed':
      return `[${row.label}] failed: ${row.error}`;
    case 'retrying':
      return `[${row.label}] attempt ${row.attemptsMade} of ${row.attempts} failed (${row.error}); retrying`;
    default:
      return `[${row.label}] queued`;
  }
}

/** A job's failure as an outcome: our workers fail jobs with `E_CODE: message`; BullMQ's own reasons get E_QUEUE. */
export function failedOutcome(reason: string | undefined): Extract<Outcome, { type: 'failed' }> {
  const match = /^(E_[A-Z_]+): ([\s\S]*)$/.exec(reason ?? '');
  return match
    ? { type: 'failed', code: match[1]!, message: match[2]! }
    : { type: 'failed', code: 'E_QUEUE', message: reason || 'the job failed without a reason' };
}
