import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunFolder, type TrainSummary } from '@spikedistill/core';
import { type Job, WaitingError, Worker } from 'bullmq';
import { runInChild } from '../runner/spawn.js';
import { outcomeError, type Progress } from '../runner/task.js';
import { displayUrl, QUEUE_NAME, redisConnection } from './connection.js';
import type { VariantJobData, VariantJobProgress } from './job.js';
import { throttledErrors } from './throttle.js';

export interface WorkerCommandOptions {
  /** `redis://host:port/db` */
  url: string;
  /** Root of the results: a job's run folder is `<results>/<ablation>/<variant>`. */
  results: string;
  /** Variants trained at once, each in a process of its own. */
  concurrency: number;
  /** Shown in the coordinator's table (default host:pid). */
  name?: string;
  /** Overrides the variants' `backend`. */
  backend?: string;
  /** Seconds without news from a worker before its job is handed to another one. */
  stallTimeout: number;
  log: (line: string) => void;
  /** Resolves when the worker should stop (default: SIGTERM or SIGINT). */
  stopWhen?: Promise<unknown>;
}

/** How a job's abort signal says the job is no longer ours (another worker may hold it now). */
const LOCK_LOST = 'lock-lost';
/** Progress written to Redis at most this often per job. */
const PROGRESS_MS = 1000;
/**
 * How long a job waits for its previous attempt's training process on this
 * host to let go of the run folder (an orphan writes its checkpoint and
 * exits within 5 s of losing its worker).
 */
const PREVIOUS_HOLDER_MS = 15_000;

/**
 * `spikedistill worker`: pulls variant jobs and trains each in a process of
 * its own with the normal trainer, in `<results>/<ablation>/<variant>`
 * (resume semantics: a job handed over from a dead worker continues from its
 * last checkpoint). Log lines and progress go to the job. On SIGTERM/SIGINT
 * the running variants checkpoint and their jobs go back to the queue.
 */
export async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const results = resolve(options.results);
  const { log } = options;
  const processor = async (
    job: Job<VariantJobData, TrainSummary>,
    token: string | undefined,
    signal?: AbortSignal,
  ): Promise<TrainSummary> => {
    const { ablation, dir, task } = job.data;
    const runDir = join(results, ablation, dir);
    const prefix = `[${task.label}] `;
    log(
      `${prefix}attempt ${job.attemptsMade + 1}/${job.opts.attempts ?? 1}${job.stalledCounter ? ` (taken over after ${job.stalledCounter} stall(s))` : ''} in ${runDir}`,
    );
    const owner = `job:${job.id}`;
    await waitForPreviousHolder(runDir, owner, (line) => log(prefix + line));
    let lastProgress = 0;
    const progress = (p: Progress) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_MS && p.step < p.totalSteps) return;
      lastProgress = now;
      const value: VariantJobProgress = { worker: name, ...p };
      job.updateProgress(value).catch(() => {}); // progress is news, not state: a lost update is fine
    };
    const outcome = await runInChild(
      {
        ...task,
        backend: options.backend ?? task.backend,
        runDir,
        resume: true,
        lockClaim: { owner, token: token ?? '' },
      },
      {
        onLog: (line) => {
          log(prefix + line);
          job.log(line).catch(() => {});
        },
        onProgress: progress,
        signal,
      },
    );
    if (outcome.type === 'done') {
      log(`${prefix}done`);
      return outcome.summary;
    }
    if (outcome.type === 'failed') {
      log(`${prefix}failed: ${outcomeError(outcome)}`);
      throw new Error(outcomeError(outcome));
    }
    if (signal?.reason === LOCK_LOST) {
      // The job is not ours to finish: Redis lost it (restarted empty; the coordinator enqueues it
      // again) or another worker holds it. Either resumes from the checkpoint just written.
      log(
        `${prefix}stopped at step ${outcome.step} with a checkpoint: this worker lost the job's lock`,
      );
      throw new Error(`stopped at step ${outcome.step}: this worker lost the job's lock`);
    }
    // Stopped with a checkpoint: hand the job back without spending one of its attempts.
    log(`${prefix}stopped at step ${outcome.step} with a checkpoint; job handed back to the queue`);
    await job.moveToWait(token);
    throw new WaitingError();
  };

  const worker = new Worker<VariantJobData, TrainSummary>(QUEUE_NAME, processor, {
    connection: redisConnection(options.url),
    concurrency: options.concurrency,
    name,
    lockDuration: options.stallTimeout * 1000,
    stalledInterval: options.stallTimeout * 1000,
    // A job whose worker died twice is still worth a third; more suggests the job kills its workers.
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on('error', throttledErrors(`worker ${name} on ${displayUrl(options.url)}`, log));
  worker.on('lockRenewalFailed', (ids) => {
    for (const id of ids) worker.cancelJob(id, LOCK_LOST);
  });
  worker.on('stalled', (id) =>
    log(`job ${id} stalled (its worker stopped answering): back in the queue`),
  );
  const stop = options.stopWhen ?? stopSignal();
  log(
    `worker ${name}: ${displayUrl(options.url)}, up to ${options.concurrency} variant(s) at once, results in ${results}`,
  );
  const running = worker.run();
  await Promise.race([stop, running]);
  log(`worker ${name}: stopping; running variants checkpoint and go back to the queue`);
  worker.cancelAllJobs('stop');
  await worker.close();
  await running;
  log(`worker ${name}: stopped`);
}

/**
 * A job taken over from a worker killed on this host may find that worker's
 * training process still holding the folder while it checkpoints: wait for it
 * rather than fail the attempt on the lock. (After the wait, opening the
 * folder says who holds it.)
 */
async function waitForPreviousHolder(
  runDir: string,
  owner: string,
  log: (line: string) => void,
): Promise<void> {
  const deadline = Date.now() + PREVIOUS_HOLDER_MS;
  let pid = RunFolder.heldHereFor(runDir, owner);
  if (pid === undefined) return;
  log(`waiting for pid ${pid}, the previous attempt's training process, to let go of the folder`);
  while (pid !== undefined && Date.now() < deadline) {
    await sleep(200);
    pid = RunFolder.heldHereFor(runDir, owner);
  }
}

/** The first SIGTERM or SIGINT stops gracefully; a second one exits at once. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals) => {
      if (seen) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
