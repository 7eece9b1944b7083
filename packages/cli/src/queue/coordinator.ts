import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  type ExperimentConfig,
  expandAblation,
  type Registry,
  type TrainSummary,
} from '@spikedistill/core';
import { Queue } from 'bullmq';
import {
  type AblationResult,
  finishAblation,
  newAblationResult,
  type ProcessSetup,
  recordOutcome,
  refuseExisting,
  writeResults,
} from '../commands/ablate.js';
import { checkReachable, displayUrl, QUEUE_NAME, redisConnection } from './connection.js';
import { enqueueVariants } from './enqueue.js';
import { followGrid } from './follow.js';
import { jobIdOf, type VariantJobData, variantJob } from './job.js';
import { LiveGrid } from './live.js';
import { throttledErrors } from './throttle.js';

export interface QueueAblateOptions {
  /** `redis://host:port/db` */
  url: string;
  /** The ablation folder; workers write its runs to `<their --results>/<its name>/<variant>`. */
  outDir: string;
  /** Retry variants whose jobs failed earlier; variants' folders may hold runs (continued). */
  resume: boolean;
  evalLimit?: number;
  /** Attempts after the first for a variant that fails. */
  retries: number;
  setup: ProcessSetup;
  registryFor: (config: ExperimentConfig) => Registry;
  report?: boolean;
  log: (line: string) => void;
  pollMs?: number;
  /** Redraw a live table (default: when stderr is a terminal). */
  tty?: boolean;
}

/**
 * `ablate --queue`: every variant becomes a job (its id the variant's
 * identity, so nothing is enqueued twice), workers anywhere train them, and
 * this process follows the grid until the last variant ends, writing
 * ablation.json/.csv as variants finish and the report at the end — the
 * same files as a local ablation.
 */
export async function ablateOnQueue(
  config: ExperimentConfig,
  options: QueueAblateOptions,
): Promise<AblationResult> {
  const variants = expandAblation(config);
  options.log(`${variants.length} variant(s): ${variants.map((v) => v.label).join(' | ')}`);
  const connection = redisConnection(options.url);
  await checkReachable(options.url);
  const queue = new Queue<VariantJobData, TrainSummary>(QUEUE_NAME, { connection });
  queue.on('error', throttledErrors(`queue ${displayUrl(options.url)}`, options.log));
  const ablation = basename(resolve(options.outDir));
  const jobs = variants.map((v) =>
    variantJob(v, ablation, options.setup, {
      evalLimit: options.evalLimit,
      retries: options.retries,
    }),
  );
  const result = newAblationResult(config, variants);
  try {
    if (!options.resume) {
      // As a local run: no mixing with earlier runs in the folder, unless the queue already has their jobs.
      const unknown = [];
      for (const v of variants) if (!(await queue.getJob(jobIdOf(v)))) unknown.push(v);
      refuseExisting(unknown, options.outDir);
    }
    const enqueued = await enqueueVariants(queue, jobs, { retryFailed: options.resume });
    const count = (how: string) => enqueued.filter((e) => e.how === how).length;
    options.log(
      `queue ${displayUrl(options.url)}: ${count('added')} enqueued, ${count('queued') + count('running')} already queued or running, ${count('done')} already done, ${count('retried')} retried${count('failed') ? `, ${count('failed')} failed earlier (--resume retries them)` : ''}`,
    );
    for (const e of enqueued.filter((e) => e.elsewhere))
      options.log(
        `warning: variant ${e.label} is the job of another ablation: its run is ${e.elsewhere} under the workers' --results`,
      );
    mkdirSync(options.outDir, { recursive: true });
    writeResults(options.outDir, result);
    const live = new LiveGrid(options.log, options.tty);
    const rows = await followGrid(queue, jobs, {
      say: (line) => live.say(line),
      show: (rows) => live.show(rows),
      onEnd: (i, outcome) => {
        recordOutcome(result.variants[i]!, outcome, (line) => live.say(line));
        writeResults(options.outDir, result);
      },
      pollMs: options.pollMs,
    });
    live.end(rows);
  } finally {
    await queue.close();
  }
  const unseen = result.variants.filter(
    (v) => v.status === 'done' && !existsSync(join(options.outDir, v.dir, 'summary.json')),
  );
  if (unseen.length)
    options.log(
      `warning: the runs of ${unseen.length} variant(s) are not in ${options.outDir} (e.g. ${unseen[0]!.dir}): workers write to <--results>/${ablation}/<variant>; on a shared filesystem give them --results ${resolve(options.outDir, '..')}`,
    );
  return finishAblation(config, result, options);
}
