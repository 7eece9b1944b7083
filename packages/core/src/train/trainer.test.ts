import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../contracts/backbone.js';
import type { Loss } from '../contracts/loss.js';
import type { Strategy } from '../contracts/strategy.js';
import { NaNLossError } from '../errors.js';
import { createEvents } from '../events.js';
import { Rng } from '../rng.js';
import { tf } from '../tf.js';
import { l1, NoisySmoothImages, psnr, TinyDenoiser } from './fixtures.test-helpers.js';
import { type TrainerOptions, train } from './trainer.js';

const none = (student: Backbone): Strategy => ({
  name: 'none',
  needsTeacher: false,
  attach() {},
  modules: () => ({}),
  loss: (batch, task) => task(student.forward(batch.input).output, batch.target),
  dispose() {},
});

const base: TrainerOptions = {
  steps: 60,
  batch: 4,
  lr: 1e-2,
  evalEvery: 0,
  checkpointEvery: 0,
  logEvery: 10,
};

function parts(seed = 1, losses: Loss[] = [l1], initSeed = seed) {
  const student = new TinyDenoiser(new Rng(initSeed));
  return {
    student,
    strategy: none(student),
    losses,
    metrics: [psnr],
    data: new NoisySmoothImages(seed),
  };
}

describe('train', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('lowers the loss, beats the noisy input and reports progress, without leaking tensors', async () => {
    const events = createEvents();
    const steps: number[] = [];
    events.on('step', (e) => steps.push(e.loss));
    const p = parts();
    const before = tf.memory().numTensors;
    const summary = await train(p, base, events);
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toHaveLength(60);
    const early = steps.slice(0, 5).reduce((a, b) => a + b) / 5;
    const late = steps.slice(-5).reduce((a, b) => a + b) / 5;
    expect(late).toBeLessThan(early * 0.8);
    const [scores] = summary.eval;
    expect(scores?.model.psnr).toBeGreaterThan(
      (scores?.input.psnr ?? Number.POSITIVE_INFINITY) + 1,
    );
    p.student.dispose();
  });

  it('stops on a non-finite loss before updating the weights, naming the step and terms', async () => {
    const nan: Loss = {
      name: 'broken',
      weight: 1,
      compute: (p) => tf.div(tf.sum(p), 0) as tf.Scalar,
    };
    const p = parts(1, [l1, nan]);
    const w = p.student.w1.dataSync().slice();
    await expect(train(p, base, createEvents())).rejects.toThrow(NaNLossError);
    await expect(train(p, base, createEvents())).rejects.toThrow(
      /at step 1 \(total=(Infinity|NaN), l1=[\d.]+, broken=/,
    );
    expect([...p.student.w1.dataSync()]).toEqual([...w]);
    p.student.dispose();
  });

  it('writes checkpoints atomically and a resumed run ends where an uninterrupted one does', async () => {
    const straight = parts(3);
    await train(straight, { ...base, steps: 10 }, createEvents());

    const runDir = mkdtempSync(join(tmpdir(), 'sd-run-'));
    const first = parts(3);
    await train(first, { ...base, steps: 6, checkpointEvery: 3, runDir }, createEvents());
    expect(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest.json'), 'utf8')).step).toBe(
      6,
    );
    expect(existsSync(join(runDir, 'student.safetensors'))).toBe(true);

    const resumed = parts(3, [l1], 99); // different init: everything must come from the checkpoint
    const logs: string[] = [];
    const events = createEvents();
    events.on('log', (e) => logs.push(e.message));
    const summary = await train(resumed, { ...base, steps: 10, runDir, resume: true }, events);
    expect(summary.startStep).toBe(6);
    expect(logs).toContain('resumed from step 6');
    const a = straight.student.w1.dataSync();
    const b = resumed.student.w1.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    for (const p of [straight, first, resumed]) p.student.dispose();
  });

  it('refuses a corrupt latest.json with the file named', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'sd-run-'));
    const p = parts();
    await train(p, { ...base, steps: 2, runDir }, createEvents());
    writeFileSync(join(runDir, 'checkpoints', 'latest.json'), '{"step": 2, "fi');
    await expect(
      train(p, { ...base, steps: 4, runDir, resume: true }, createEvents()),
    ).rejects.toThrow(/latest\.json is corrupt/);
    p.student.dispose();
  });

  it('says when the student and the data disagree on channels', async () => {
    const p = parts();
    const rgb = Object.assign(Object.create(Object.getPrototypeOf(p.data)), p.data, {
      channels: 3,
    });
    await expect(train({ ...p, data: rgb }, base, createEvents())).rejects.toThrow(
      /student takes 1-channel input but the data has 3 channel/,
    );
    p.student.dispose();
  });
});
