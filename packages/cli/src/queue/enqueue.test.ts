import { expandAblation, parseExperimentConfig, type TrainSummary } from '@spikedistill/core';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QUEUE_NAME, redisConnection } from './connection.js';
import { enqueueVariants } from './enqueue.js';
import { type VariantJobData, variantJob } from './job.js';
import { haveRedis, useRedisQueue } from './redis-server.test-helpers.js';

const grid = (seeds: number[]) =>
  parseExperimentConfig(
    {
      name: 'grid',
      data: { name: 'procedural-denoise' },
      student: { name: 'dncnn', options: { depth: 3, width: 4 } },
      ablate: { seed: seeds },
    },
    'test',
  );
const jobsOf = (seeds: number[]) =>
  expandAblation(grid(seeds)).map((v) => variantJob(v, 'grid', { plugins: [] }, { retries: 0 }));

const summary = (steps: number): TrainSummary => ({
  steps,
  startStep: 0,
  seconds: 1,
  finalLoss: 0.5,
  eval: [],
});

describe.skipIf(!haveRedis)('enqueueing a grid (real Redis)', () => {
  const redis = useRedisQueue();

  it('adds each variant once, however often and by however many coordinators', async () => {
    const jobs = jobsOf([1, 2, 3]);
    const [a, b] = await Promise.all([
      enqueueVariants(redis.queue, jobs, { retryFailed: false }),
      enqueueVariants(redis.queue, jobs, { retryFailed: false }),
    ]);
    // Racing coordinators may both believe they added a job; the queue holds it once.
    expect([...a, ...b].filter((e) => e.how === 'added').length).toBeGreaterThanOrEqual(3);
    expect(await redis.queue.getJobCounts('waiting')).toEqual({ waiting: 3 });
    const again = await enqueueVariants(redis.queue, jobs, { retryFailed: false });
    expect(again.map((e) => e.how)).toEqual(['queued', 'queued', 'queued']);
    expect(await redis.queue.getJobCounts('waiting')).toEqual({ waiting: 3 });
    await redis.queue.obliterate({ force: true });
  });

  it('reuses a finished job, follows a running one, and retries a failed one only on request', async () => {
    const jobs = jobsOf([11, 12, 13, 14]);
    await enqueueVariants(redis.queue, jobs, { retryFailed: false });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const settled: string[] = [];
    const worker = new Worker<VariantJobData, TrainSummary>(
      QUEUE_NAME,
      async (job) => {
        const seed = job.data.task.values.seed;
        if (seed === 13) throw new Error('E_NAN_LOSS: on purpose');
        if (seed === 14) await held;
        return summary(Number(seed));
      },
      { connection: redisConnection(redis.url), concurrency: 4 },
    );
    worker.on('completed', (job) => settled.push(job.name));
    worker.on('failed', (job) => settled.push(job!.name));
    while (settled.length < 3) await new Promise((r) => setTimeout(r, 50));

    const seen = await enqueueVariants(redis.queue, jobs, { retryFailed: false });
    expect(seen.map((e) => e.how)).toEqual(['done', 'done', 'failed', 'running']);
    const completed = await redis.queue.getJob(jobs[0]!.opts.jobId);
    expect(completed!.returnvalue).toEqual(summary(11));

    const retried = await enqueueVariants(redis.queue, jobs, { retryFailed: true });
    expect(retried.map((e) => e.how)).toEqual(['done', 'done', 'retried', 'running']);
    while (settled.length < 4) await new Promise((r) => setTimeout(r, 50));
    const again = await redis.queue.getJob(jobs[2]!.opts.jobId);
    expect(await again!.getState()).toBe('failed');
    expect(again!.failedReason).toBe('E_NAN_LOSS: on purpose');
    release();
    await worker.close();
    // Nothing was added twice: four jobs, one per variant.
    const counts = await redis.queue.getJobCounts('completed', 'failed', 'waiting', 'active');
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(4);
    await redis.queue.obliterate({ force: true });
  });

  it('says when a variant’s job was enqueued for another ablation folder', async () => {
    const jobs = jobsOf([21]);
    await enqueueVariants(redis.queue, jobs, { retryFailed: false });
    const other = expandAblation(grid([21])).map((v) =>
      variantJob(v, 'other-grid', { plugins: [] }, { retries: 0 }),
    );
    const [entry] = await enqueueVariants(redis.queue, other, { retryFailed: false });
    expect(entry).toMatchObject({ how: 'queued', elsewhere: 'grid/seed=21' });
    await redis.queue.obliterate({ force: true });
  });
});
