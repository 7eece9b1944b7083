import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../contracts/backbone.js';
import type { Loss } from '../contracts/loss.js';
import type { Strategy } from '../contracts/strategy.js';
import { NaNLossError, TrainingStoppedError } from '../errors.js';
import { createEvents } from '../events.js';
import { Rng } from '../rng.js';
import { tf } from '../tf.js';
import { l1, NoisySmoothImages, psnr, TinyDenoiser } from './fixtures.test-helpers.js';
import { type TrainerOptions, train } from './trainer.js';

/** No distillation: the trainer's task loss alone. */
const none = (_student: Backbone): Strategy => ({
  name: 'none',
  needsTeacher: false,
  needs: { teacher: false, studentTaps: [], twinTaps: [] },
  attach() {},
  modules: () => ({}),
  twins: () => [],
  loss: () => ({}),
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
      /at step 1 \(total=(Infinity|NaN), task\.l1=[\d.]+, task\.broken=/,
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
    // Bit-identical: same batches (the data seeks), same optimiser state (restored by name).
    expect([...resumed.student.w1.dataSync()]).toEqual([...straight.student.w1.dataSync()]);
    expect([...resumed.student.w2.dataSync()]).toEqual([...straight.student.w2.dataSync()]);
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

describe('train: run folders and failures', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const folder = () => mkdtempSync(join(tmpdir(), 'sd-run-'));
  const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

  it('writes config, run info, metrics per evaluation and a loss log cut back on resume', async () => {
    const runDir = folder();
    const p = parts(4);
    await train(
      p,
      {
        ...base,
        steps: 6,
        evalEvery: 2,
        checkpointEvery: 2,
        logEvery: 1,
        runDir,
        configJson: '{"a":1}',
      },
      createEvents(),
    );
    expect(JSON.parse(read(runDir, 'config.json'))).toEqual({ a: 1 });
    expect(JSON.parse(read(runDir, 'run.json')).params).toBe(p.student.parameterCount());
    const metrics = read(runDir, 'metrics.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([2, 4, 6]);
    expect(metrics[0]).toMatchObject({
      set: 'heldout',
      images: 2,
      model: { psnr: expect.any(Number) },
    });
    // A kill after step 6's log but before... simulate: the checkpoint of step 4 is the newest.
    writeFileSync(
      join(runDir, 'checkpoints', 'latest.json'),
      JSON.stringify({ step: 4, file: 'step-000004.safetensors' }),
    );
    rmSync(join(runDir, 'summary.json'));
    await train(
      parts(4),
      {
        ...base,
        steps: 6,
        evalEvery: 2,
        checkpointEvery: 2,
        logEvery: 1,
        runDir,
        resume: true,
        configJson: '{"a":1}',
      },
      createEvents(),
    );
    const steps = read(runDir, 'loss.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    const evals = read(runDir, 'metrics.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step);
    expect(evals).toEqual([2, 4, 6]);
    p.student.dispose();
  });

  it('refuses a folder that holds a run unless resumed or forced, and a folder in use', async () => {
    const runDir = folder();
    const p = parts();
    await train(p, { ...base, steps: 2, runDir }, createEvents());
    await expect(train(p, { ...base, steps: 2, runDir }, createEvents())).rejects.toThrow(
      /already holds a run.*--resume.*--force/,
    );
    writeFileSync(
      join(runDir, 'run.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }),
    );
    await expect(
      train(p, { ...base, steps: 2, runDir, resume: true }, createEvents()),
    ).rejects.toThrow(/is in use by another run \(pid \d+/);
    // A lock whose process is gone is taken over.
    writeFileSync(
      join(runDir, 'run.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started: 'then' }),
    );
    await train(p, { ...base, steps: 3, runDir, resume: true }, createEvents());
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
    const forced = await train(p, { ...base, steps: 2, runDir, force: true }, createEvents());
    expect(forced.startStep).toBe(0);
    p.student.dispose();
  });

  it('--resume on a finished run keeps its summary; leftover temp files are removed', async () => {
    const runDir = folder();
    const p = parts();
    const first = await train(p, { ...base, steps: 3, runDir }, createEvents());
    writeFileSync(join(runDir, 'checkpoints', '.0123abcd.tmp'), 'half a checkpoint');
    const again = await train(p, { ...base, steps: 3, runDir, resume: true }, createEvents());
    expect(again).toEqual(JSON.parse(JSON.stringify(first)));
    expect(JSON.parse(read(runDir, 'summary.json')).eval[0].model.psnr).toBe(
      first.eval[0]!.model.psnr,
    );
    expect(readdirSync(join(runDir, 'checkpoints')).some((f) => f.endsWith('.tmp'))).toBe(false);
    p.student.dispose();
  });

  it('never saves non-finite weights: the run stops with the parameters named', async () => {
    const runDir = folder();
    const p = parts();
    // A loss whose value is finite (0) but whose gradient is NaN (d√x at 0 times 0).
    const explode: Loss = {
      name: 'explode',
      weight: 1,
      compute: (pred) => tf.mean(tf.sqrt(tf.mul(tf.abs(pred), 0))) as tf.Scalar,
    };
    await expect(
      train(
        { ...p, losses: [explode] },
        { ...base, steps: 5, lr: 10, runDir, checkpointEvery: 1 },
        createEvents(),
      ),
    ).rejects.toThrow(/Weights became non-finite at step \d \(student\.w\d/);
    expect(existsSync(join(runDir, 'student.safetensors'))).toBe(false);
    expect(existsSync(join(runDir, 'checkpoints', 'latest.json'))).toBe(false);
    p.student.dispose();
  });

  it('saves the weights and the final checkpoint before the final evaluation', async () => {
    const runDir = folder();
    const p = parts();
    const broken = {
      ...psnr,
      compute: () => {
        throw new Error('corrupt test image');
      },
    };
    await expect(
      train({ ...p, metrics: [broken] }, { ...base, steps: 3, runDir }, createEvents()),
    ).rejects.toThrow('corrupt test image');
    expect(existsSync(join(runDir, 'student.safetensors'))).toBe(true);
    expect(JSON.parse(read(runDir, 'checkpoints/latest.json')).step).toBe(3);
    p.student.dispose();
  });

  it('refuses to resume with a different config, but allows training longer', async () => {
    const runDir = folder();
    const p = parts();
    await train(
      p,
      { ...base, steps: 2, runDir, configJson: '{"seed":1,"train":{"steps":2}}' },
      createEvents(),
    );
    await expect(
      train(
        p,
        { ...base, steps: 4, runDir, resume: true, configJson: '{"seed":2,"train":{"steps":4}}' },
        createEvents(),
      ),
    ).rejects.toThrow('the checkpoint was written by a different config: seed was 1, now 2');
    const more = await train(
      p,
      { ...base, steps: 4, runDir, resume: true, configJson: '{"seed":1,"train":{"steps":4}}' },
      createEvents(),
    );
    expect(more.startStep).toBe(2);
    p.student.dispose();
  });

  it('follows a latest.json only to a checkpoint file of its own folder', async () => {
    const runDir = folder();
    const p = parts();
    await train(p, { ...base, steps: 2, runDir }, createEvents());
    writeFileSync(
      join(runDir, 'checkpoints', 'latest.json'),
      JSON.stringify({ step: 2, file: '../../../etc/passwd' }),
    );
    await expect(
      train(p, { ...base, steps: 4, runDir, resume: true }, createEvents()),
    ).rejects.toThrow(/does not name a checkpoint of this folder/);
    p.student.dispose();
  });

  it('stops on its signal between steps with a checkpoint of the step reached; a resume ends bit-identical', async () => {
    const straight = parts(5);
    await train(straight, { ...base, steps: 9 }, createEvents());

    const runDir = folder();
    const first = parts(5);
    const controller = new AbortController();
    const events = createEvents();
    const seen: number[] = [];
    events.on('step', ({ step }) => {
      seen.push(step);
      if (step === 4) controller.abort();
    });
    const before = tf.memory().numTensors;
    const stopped = await train(
      first,
      { ...base, steps: 9, checkpointEvery: 3, runDir, signal: controller.signal },
      events,
    ).catch((err: unknown) => err);
    expect(tf.memory().numTensors).toBe(before);
    expect(stopped).toBeInstanceOf(TrainingStoppedError);
    expect(stopped).toMatchObject({ code: 'E_STOPPED', step: 4 });
    // No step after the abort; the step reached is saved (not only the one at 3); the folder is free.
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(JSON.parse(read(runDir, 'checkpoints/latest.json')).step).toBe(4);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
    expect(existsSync(join(runDir, 'summary.json'))).toBe(false);

    const resumed = parts(5, [l1], 77);
    const summary = await train(
      resumed,
      { ...base, steps: 9, runDir, resume: true },
      createEvents(),
    );
    expect(summary.startStep).toBe(4);
    expect([...resumed.student.w1.dataSync()]).toEqual([...straight.student.w1.dataSync()]);
    expect([...resumed.student.w2.dataSync()]).toEqual([...straight.student.w2.dataSync()]);
    for (const p of [straight, first, resumed]) p.student.dispose();
  });

  it('an abort that lands right after a checkpoint does not write it again', async () => {
    const runDir = folder();
    const p = parts();
    const controller = new AbortController();
    const events = createEvents();
    const saved: number[] = [];
    events.on('checkpoint', ({ step }) => saved.push(step));
    events.on('step', ({ step }) => step === 3 && controller.abort());
    await expect(
      train(
        p,
        { ...base, steps: 9, checkpointEvery: 3, runDir, signal: controller.signal },
        events,
      ),
    ).rejects.toThrow(/stopped on request at step 3/);
    expect(saved).toEqual([3]);
    p.student.dispose();
  });

  it('sees an abort that comes from outside the loop (a timer, a signal handler)', async () => {
    const p = parts();
    const controller = new AbortController();
    const events = createEvents();
    events.on('step', ({ step }) => {
      if (step === 2) setTimeout(() => controller.abort(), 0);
    });
    const stopped = await train(p, { ...base, steps: 40, signal: controller.signal }, events).catch(
      (err: unknown) => err,
    );
    expect(stopped).toBeInstanceOf(TrainingStoppedError);
    expect((stopped as TrainingStoppedError).step).toBeLessThan(6);
    p.student.dispose();
  });
});

describe('train: validation sets', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('evaluates mid-run on the validation sets only and names an unknown one', async () => {
    const p = parts(6);
    const twoSets = Object.assign(Object.create(Object.getPrototypeOf(p.data)), p.data, {
      evalSets: () => [...p.data.evalSets(), { ...p.data.evalSets()[0]!, name: 'final-only' }],
    });
    const runDir = mkdtempSync(join(tmpdir(), 'sd-run-'));
    await train(
      { ...p, data: twoSets },
      { ...base, steps: 4, evalEvery: 2, runDir, validateOn: ['heldout'] },
      createEvents(),
    );
    const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(
      lines.map((l) => {
        const m = JSON.parse(l);
        return `${m.step}:${m.set}`;
      }),
    ).toEqual(['2:heldout', '4:heldout', '4:final-only']);
    await expect(
      train({ ...p, data: twoSets }, { ...base, steps: 1, validateOn: ['Set99'] }, createEvents()),
    ).rejects.toThrow("train.validateOn names Set99; the data's test sets are heldout, final-only");
    p.student.dispose();
  });
});

describe('train: a finished run without its checkpoints', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is recognised by its summary and weights, and not trained again', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'sd-run-'));
    const p = parts(7);
    const configJson = '{"seed":7,"train":{"steps":3}}';
    const first = await train(p, { ...base, steps: 3, runDir, configJson }, createEvents());
    // Published results keep summaries and weights, never checkpoints.
    rmSync(join(runDir, 'checkpoints'), { recursive: true });
    const steps: number[] = [];
    const events = createEvents();
    events.on('step', (e) => steps.push(e.step));
    const again = await train(p, { ...base, steps: 3, runDir, resume: true, configJson }, events);
    expect(steps).toEqual([]);
    expect(again).toEqual(JSON.parse(JSON.stringify(first)));
    await expect(
      train(
        p,
        { ...base, steps: 3, runDir, resume: true, configJson: '{"seed":8,"train":{"steps":3}}' },
        createEvents(),
      ),
    ).rejects.toThrow(/different config: seed was 7, now 8/);
    p.student.dispose();
  });
});
