import { expandAblation, parseExperimentConfig, type TrainSummary } from '@spikedistill/core';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../runner/task.js';
import { QUEUE_NAME, redisConnection } from './connection.js';
import { enqueueVariants } from './enqueue.js';
import { failedOutcome, followGrid, rowOf } from './follow.js';
import { type VariantJobData, type VariantJobProgress, variantJob } from './job.js';
import { haveRedis, useRedisQueue } from './redis-server.test-helpers.js';

describe('a job as a row of the grid', () => {
  const job = (over: Partial<Parameters<typeof rowOf>[0]> = {}) => ({
    progress: { worker: 'w:1', step: 3, totalSteps: 10, loss: 0.25 },
    processedBy: 'w:1',
    attemptsMade: 0,
    opts: { attempts: 2 },
    failedReason: '',
    ...over,
  });

  it('folds BullMQ’s states into queued, running, retrying, done and failed', () => {
    expect(rowOf(job(), 'active')).toMatchObject({ state: 'running', worker: 'w:1', step: 3 });
    // Taken over by w:2, which has not reported yet: not w:1's step.
    expect(rowOf(job({ processedBy: 'w:2' }), 'active')).toMatchObject({
      state: 'running',
      worker: 'w:2',
      step: undefined,
      loss: undefined,
    });
    expect(rowOf(job({ progress: 0 }), 'waiting')).toMatchObject({
      state: 'queued',
      step: undefined,
    });
    expect(rowOf(job({ attemptsMade: 1, failedReason: 'E_X: y' }), 'delayed')).toMatchObject({
      state: 'retrying',
      error: 'E_X: y',
      worker: undefined,
    });
    expect(rowOf(job({ attemptsMade: 1, failedReason: 'E_X: y' }), 'completed')).toMatchObject({
      state: 'done',
      error: undefined,
    });
    expect(rowOf(job({ attemptsMade: 2, failedReason: 'E_X: y' }), 'failed')).toMatchObject({
      state: 'failed',
      attemptsMade: 2,
      attempts: 2,
    });
  });

  it('reads a failure’s code back from the reason; BullMQ’s own reasons are E_QUEUE', () => {
    expect(failedOutcome('E_NAN_LOSS: Loss became non-finite:\nat step 2')).toEqual({
      type: 'failed',
      code: 'E_NAN_LOSS',
      message: 'Loss became non-finite:\nat step 2',
    });
    expect(failedOutcome('job stalled more than allowable limit')).toEqual({
      type: 'failed',
      code: 'E_QUEUE',
      message: 'job stalled more than allowable limit',
    });
  });
});

describe.skipIf(!haveRedis)('following a grid (real Redis)', () => {
  const redis = useRedisQueue();

  it('reports progress and log lines of remote runs, and each variant’s end once', async () => {
    const config = parseExperimentConfig(
      {
        name: 'grid',
        data: { name: 'procedural-denoise' },
        student: { name: 'dncnn', options: { depth: 3, width: 4 } },
        ablate: { seed: [1, 2, 3] },
      },
      'test',
    );
    const jobs = expandAblation(config).map((v) =>
      variantJob(v, 'grid', { plugins: [] }, { retries: 1 }),
    );
    // seed=3 is never enqueued: following it finds its job missing and enqueues it.
    await enqueueVariants(redis.queue, jobs.slice(0, 2), { retryFailed: false });
    const worker = new Worker<VariantJobData, TrainSummary>(
      QUEUE_NAME,
      async (job) => {
        await job.log(`hello from ${job.name}`);
        const progress: VariantJobProgress = { worker: 'w:7', step: 4, totalSteps: 4, loss: 0.5 };
        await job.updateProgress(progress);
        if (job.data.task.values.seed === 2) throw new Error('E_NAN_LOSS: on purpose');
        return { steps: 4, startStep: 0, seconds: 1, finalLoss: 0.5, eval: [] };
      },
      { connection: redisConnection(redis.url), name: 'w:7' },
    );
    const said: string[] = [];
    const ends: Array<[number, Outcome]> = [];
    const rows = await followGrid(redis.queue, jobs, {
      say: (line) => said.push(line),
      onEnd: (i, outcome) => ends.push([i, outcome]),
      pollMs: 50,
    });
    await worker.close();
    expect(rows.map((r) => r.state)).toEqual(['done', 'failed', 'done']);
    expect(rows[0]).toMatchObject({ worker: 'w:7', step: 4, totalSteps: 4, loss: 0.5 });
    expect(rows[1]).toMatchObject({
      attemptsMade: 2,
      attempts: 2,
      error: 'E_NAN_LOSS: on purpose',
    });
    expect(ends.sort(([a], [b]) => a - b)).toEqual([
      [
        0,
        { type: 'done', summary: { steps: 4, startStep: 0, seconds: 1, finalLoss: 0.5, eval: [] } },
      ],
      [1, { type: 'failed', code: 'E_NAN_LOSS', message: 'on purpose' }],
      [
        2,
        { type: 'done', summary: { steps: 4, startStep: 0, seconds: 1, finalLoss: 0.5, eval: [] } },
      ],
    ]);
    // Every log line of every attempt arrives, once, under its variant.
    expect(said.filter((l) => l === '[seed=1] hello from seed=1')).toHaveLength(1);
    expect(said.filter((l) => l === '[seed=2] hello from seed=2')).toHaveLength(2);
    expect(said).toContain(
      '[seed=3] its job is gone from the queue (Redis restarted without persistence?): enqueued again',
    );
    expect(said).toContain('[seed=2] failed: E_NAN_LOSS: on purpose');
    expect(said.filter((l) => /^\[seed=1\] done/.test(l))).toEqual(['[seed=1] done on w:7']);
  });
});
