import { expandAblation, parseExperimentConfig } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { jobIdOf, variantJob } from './job.js';

const grid = (extra: Record<string, unknown> = {}) =>
  parseExperimentConfig(
    {
      name: 'grid',
      seed: 3,
      data: { name: 'procedural-denoise', options: { sigma: 25, patch: 16 } },
      student: { name: 'dncnn', options: { depth: 3, width: 4 } },
      train: { steps: 10, batch: 2, lr: 0.001 },
      ablate: { seed: [1, 2], 'student.options.width': [4, 8] },
      ...extra,
    },
    'test',
  );

const jobsOf = (config: ReturnType<typeof grid>, ablation = 'grid') =>
  expandAblation(config).map((v) => variantJob(v, ablation, { plugins: [] }, { retries: 2 }));

describe('a variant’s job', () => {
  it('is identified by the variant’s identity, distinct within the grid and stable across expansions', () => {
    const variants = expandAblation(grid());
    const jobs = jobsOf(grid());
    expect(jobs.map((j) => j.opts.jobId)).toEqual(variants.map((v) => `v${v.id}`));
    expect(new Set(jobs.map((j) => j.opts.jobId)).size).toBe(4);
    expect(jobsOf(grid()).map((j) => j.opts.jobId)).toEqual(jobs.map((j) => j.opts.jobId));
  });

  it('never has an id BullMQ refuses, even when the hash is all digits', () => {
    // BullMQ: a custom id must not read as an integer nor contain ':'.
    for (const id of ['1234567890123456', '0000000000000001', 'abcdef0123456789']) {
      const jobId = jobIdOf({ id });
      expect(`${Number.parseInt(jobId, 10)}`).not.toBe(jobId);
      expect(jobId).not.toContain(':');
    }
  });

  it('does not depend on the ablation’s name or folder, but on every setting that changes the run', () => {
    const ids = jobsOf(grid()).map((j) => j.opts.jobId);
    expect(jobsOf(grid({ name: 'renamed' }), 'elsewhere').map((j) => j.opts.jobId)).toEqual(ids);
    const longer = jobsOf(grid({ train: { steps: 11, batch: 2, lr: 0.001 } })).map(
      (j) => j.opts.jobId,
    );
    expect(longer.filter((id) => ids.includes(id))).toEqual([]);
  });

  it('carries the resolved config named after its folder, its run facts, and its retry budget', () => {
    const [job] = jobsOf(grid());
    const [variant] = expandAblation(grid());
    expect(job!.name).toBe('seed=1,student.options.width=4');
    expect(job!.data.ablation).toBe('grid');
    expect(job!.data.dir).toBe(variant!.dir);
    expect(job!.data.task.config).toEqual({ ...variant!.config, name: variant!.dir });
    expect(job!.data.task).toMatchObject({
      label: variant!.label,
      id: variant!.id,
      values: { seed: 1, 'student.options.width': 4 },
      backend: 'auto',
      plugins: [],
    });
    // The worker decides where and how the run folder opens.
    expect(job!.data.task).not.toHaveProperty('runDir');
    expect(job!.data.task).not.toHaveProperty('lockClaim');
    expect(job!.opts).toMatchObject({ attempts: 3, removeOnComplete: false, removeOnFail: false });
    // Plain JSON: what Redis stores is what the worker gets.
    expect(JSON.parse(JSON.stringify(job!.data))).toEqual(job!.data);
  });
});
