import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readSafetensorsFile } from '@spikedistill/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  haveRedis,
  startRedis,
  type TestRedis,
} from '../packages/cli/src/queue/redis-server.test-helpers.js';

/**
 * Ablation grids trained by more than one process, each a process of the
 * built CLI: a local grid on two processes (`ablate --jobs 2`), and a grid
 * spread over `spikedistill worker`s through a real Redis (Debian's
 * redis-server, started here on a free loopback port and stopped after). A
 * worker killed with SIGKILL mid-run loses nothing (another one resumes the
 * variant from its checkpoint), every variant completes once, the results
 * equal a local run of the same grid bit for bit, a variant that fails is
 * reported with its error while the others finish, and Redis going away
 * mid-run makes workers and coordinator wait, not crash.
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'sd-queue-'));

const STEPS = 40;
/** Six students; the last one takes RGB input, the data is gray: it fails when its job builds it. */
const STUDENTS = [
  '{ name: dncnn, options: { depth: 2, width: 4 } }',
  '{ name: dncnn, options: { depth: 3, width: 4 } }',
  '{ name: dncnn, options: { depth: 3, width: 6 } }',
  '{ name: dncnn, options: { depth: 4, width: 4 } }',
  '{ name: dncnn, options: { depth: 2, width: 8 } }',
  '{ name: dncnn, options: { depth: 3, width: 4, channels: 3 } }',
];
const grid = (name: string, steps: number, students: readonly string[]) =>
  [
    `name: ${name}`,
    'seed: 5',
    'backend: wasm',
    'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 2, testSize: 24 } }',
    'student: { name: dncnn }',
    `train: { steps: ${steps}, batch: 2, lr: 2.0e-3, checkpointEvery: 5, logEvery: 1 }`,
    'ablate:',
    '  student:',
    ...students.map((s) => `    - ${s}`),
  ].join('\n');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Running {
  child: ChildProcess;
  text: () => string;
  /** Resolves when the output matches. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
}

const running: Running[] = [];

/**
 * Starts the CLI as its own process (the leader of its own process group, so
 * it and the training processes it forks can be ended together), its output
 * collected.
 */
function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: work,
    stdio: 'pipe',
    detached: true,
  });
  let text = '';
  const waiters: Array<{ pattern: RegExp; ok: () => void }> = [];
  const look = (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.ok();
      }
    }
  };
  child.stdout!.on('data', look);
  child.stderr!.on('data', look);
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  const r: Running = {
    child,
    text: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 300_000) =>
      new Promise<void>((ok, fail) => {
        if (pattern.test(text)) return ok();
        const timer = setTimeout(
          () => fail(new Error(`no ${pattern} in ${timeoutMs} ms:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          ok: () => {
            clearTimeout(timer);
            ok();
          },
        });
        void exited.then(() =>
          setTimeout(() => fail(new Error(`exited before ${pattern}:\n${text}`)), 100),
        );
      }),
  };
  running.push(r);
  return r;
}

/** Ends a started CLI and everything it forked (a test that failed half-way leaves none behind). */
async function endAll(): Promise<void> {
  for (const r of running.splice(0)) {
    try {
      process.kill(-r.child.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    if (r.child.exitCode === null && r.child.signalCode === null) await r.exited;
  }
}

const weights = (runDir: string) => {
  const { tensors } = readSafetensorsFile(join(runDir, 'student.safetensors'));
  return Object.fromEntries([...tensors].map(([name, t]) => [name, [...t.data]]));
};

/** loss.jsonl without the per-step wall time. */
const lossLog = (runDir: string) =>
  readFileSync(join(runDir, 'loss.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { msPerStep: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });

interface Ablation {
  variants: Array<{ label: string; dir: string; status: string; error?: string }>;
}
const ablation = (dir: string) =>
  JSON.parse(readFileSync(join(work, dir, 'ablation.json'), 'utf8')) as Ablation;

/** ablation.json without what a clock, a resume or the folder decide. */
const comparable = (dir: string) =>
  ablation(dir).variants.map((v) => {
    const { summary, ...rest } = v as typeof v & { summary?: Record<string, unknown> };
    if (!summary) return rest;
    // A resumed run starts later (startStep) and every run takes its own time.
    const { seconds: _, runDir: __, startStep: ___, ...kept } = summary;
    return { ...rest, summary: kept };
  });

/** The same runs: records, CSV, and every finished variant's weights and loss log. */
function expectSameRuns(dir: string, reference: string): void {
  expect(comparable(dir)).toEqual(comparable(reference));
  expect(readFileSync(join(work, dir, 'ablation.csv'), 'utf8')).toBe(
    readFileSync(join(work, reference, 'ablation.csv'), 'utf8'),
  );
  for (const v of ablation(reference).variants.filter((v) => v.status === 'done')) {
    expect(weights(join(work, dir, v.dir)), v.label).toEqual(weights(join(work, reference, v.dir)));
    expect(lossLog(join(work, dir, v.dir)), v.label).toEqual(lossLog(join(work, reference, v.dir)));
  }
}

/** `text` as a RegExp source that matches it literally. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines of `text` that match `re`. */
const count = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;

beforeAll(() => {
  writeFileSync(join(work, 'grid.yaml'), grid('grid', STEPS, STUDENTS));
});
afterEach(endAll);

describe('the reference: the grid trained locally, one variant after another', () => {
  it('records five variants done and the failed one with its error', () => {
    const local = cli(['ablate', 'grid.yaml', '--out', 'local', '--no-report']);
    expect(local.code, local.err).toBe(1);
    expect(local.err).toMatch(/E_VARIANT_FAILED: 1 of 6 variant\(s\) failed/);
    const variants = ablation('local').variants;
    expect(variants.map((v) => v.status)).toEqual([
      'done',
      'done',
      'done',
      'done',
      'done',
      'failed',
    ]);
    expect(variants[5]!.error).toMatch(
      /^E_CONFIG: student takes 3-channel input but the data has 1 channel/,
    );
  }, 600_000);
});

describe('a local grid on two processes', () => {
  it('--jobs 2 trains the same weights as one variant after another', () => {
    const r = cli(['ablate', 'grid.yaml', '--out', 'local-jobs', '--jobs', '2', '--no-report']);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/E_VARIANT_FAILED: 1 of 6 variant\(s\) failed: .*channels=3.*E_CONFIG/);
    expectSameRuns('local-jobs', 'local');
    // Each variant's lines carry its label: two runs' logs interleave.
    expect(r.out).toMatch(/^\[student=dncnn\([^)]*\)\] {3}step 20\/40/m);
  }, 600_000);
});

describe.skipIf(!haveRedis)('ablation grids on a Redis queue', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  // Each test starts from an empty Redis.
  afterEach(async () => {
    await endAll();
    await redis.restart();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('two workers, one killed with SIGKILL mid-run: every variant once, the weights of the local run, the failure reported', async () => {
    const worker = (name: string) =>
      start([
        'worker',
        '--queue',
        redis.url,
        '--results',
        work,
        '--name',
        name,
        '--stall-timeout',
        '3',
      ]);
    const a = worker('A');
    const b = worker('B');
    const coordinator = start([
      'ablate',
      'grid.yaml',
      '--queue',
      redis.url,
      '--out',
      'queued',
      '--retries',
      '1',
      '--no-report',
    ]);
    // Kill A (the worker process) when one of its variants is past its checkpoint at step 10.
    await a.waitFor(/\] {3}step 12\/40/);
    const victim = /\[([^\]]+)\] {3}step 12\/40/.exec(a.text())![1]!;
    a.child.kill('SIGKILL');
    await a.exited;

    expect(await coordinator.exited, coordinator.text()).toBe(1);
    expect(coordinator.text()).toMatch(
      /error E_VARIANT_FAILED: 1 of 6 variant\(s\) failed: .*channels=3.* \(E_CONFIG: student takes 3-channel input but the data has 1 channel/,
    );
    // The coordinator followed the grid: who ran what, the remote runs' log lines, the final table.
    expect(coordinator.text()).toMatch(/\] running on [AB]/);
    expect(coordinator.text()).toContain(`[${victim}]   step 8/40`);
    expect(coordinator.text()).toMatch(/6 variants: 5 done, 1 failed/);

    // The same record, CSV, weights and loss logs as the local run.
    expectSameRuns('queued', 'local');

    // The killed variant was handed to B, which resumed it from a checkpoint A's run left
    // (the one of step 10, or the one its training process wrote when it lost A).
    expect(b.text()).toMatch(
      new RegExp(`\\[${literal(victim)}\\] attempt 1/2 \\(taken over after 1 stall\\(s\\)\\)`),
    );
    const resumed = new RegExp(`\\[${literal(victim)}\\] resumed from step (\\d+)`).exec(b.text());
    expect(resumed, b.text()).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThanOrEqual(10);
    expect(Number(resumed![1])).toBeLessThan(STEPS);
    // Every variant that trains was completed once, by one worker; the failing one was tried twice.
    for (const v of ablation('local').variants) {
      const both = (re: RegExp) => count(a.text(), re) + count(b.text(), re);
      if (v.status === 'done') {
        expect(both(new RegExp(`^\\[${literal(v.label)}\\] done$`)), v.label).toBe(1);
      } else {
        expect(both(new RegExp(`^\\[${literal(v.label)}\\] failed: E_CONFIG`)), v.label).toBe(2);
      }
      expect(existsSync(join(work, 'queued', v.dir, 'run.lock'))).toBe(false);
    }

    // B stops on SIGTERM, cleanly.
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.text()).toContain('worker B: stopped');
  }, 900_000);

  it('a worker stopped with SIGTERM checkpoints and hands its job back; the next one resumes it', async () => {
    writeFileSync(join(work, 'long.yaml'), grid('long', 400, STUDENTS.slice(1, 2)));
    const coordinator = start(['ablate', 'long.yaml', '--queue', redis.url, '--no-report']);
    const first = start(['worker', '--queue', redis.url, '--results', join(work, 'runs')]);
    await first.waitFor(/\] {3}step 80\/400/);
    first.child.kill('SIGTERM');
    expect(await first.exited, first.text()).toBe(0);
    const stopped = /stopped at step (\d+) with a checkpoint; job handed back to the queue/.exec(
      first.text(),
    );
    expect(stopped, first.text()).not.toBeNull();
    const second = start(['worker', '--queue', redis.url, '--results', join(work, 'runs')]);
    expect(await coordinator.exited, coordinator.text()).toBe(0);
    // Handing back spent none of the job's attempts.
    expect(second.text()).toMatch(/attempt 1\/2 in/);
    expect(second.text()).toContain(`resumed from step ${stopped![1]}`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 600_000);

  it('Redis going away mid-run: worker and coordinator wait and reconnect, and the run ends with the weights of a local one', async () => {
    writeFileSync(join(work, 'outage.yaml'), grid('outage', 600, STUDENTS.slice(0, 1)));
    // A short lease: the worker learns within 2 s of Redis coming back that the job is gone.
    const worker = start([
      'worker',
      '--queue',
      redis.url,
      '--results',
      join(work, 'runs'),
      '--stall-timeout',
      '4',
    ]);
    const coordinator = start(['ablate', 'outage.yaml', '--queue', redis.url, '--no-report']);
    await worker.waitFor(/\] {3}step 60\/600/);
    await redis.stop();
    await worker.waitFor(/warning: worker .*; retrying/, 60_000);
    await coordinator.waitFor(/warning: queue .*; retrying/, 60_000);
    expect(worker.child.exitCode).toBeNull();
    expect(coordinator.child.exitCode).toBeNull();
    // Back, but empty (no persistence): the coordinator enqueues the variant again, and the
    // worker, whose job is gone, stops its run with a checkpoint and resumes it from there.
    await redis.restart();
    expect(await coordinator.exited, `${coordinator.text()}\n--- worker:\n${worker.text()}`).toBe(
      0,
    );
    expect(coordinator.text()).toContain('its job is gone from the queue');
    const lost = /stopped at step (\d+) with a checkpoint: this worker lost the job's lock/.exec(
      worker.text(),
    );
    expect(lost, worker.text()).not.toBeNull();
    expect(worker.text()).toContain(`resumed from step ${lost![1]}`);
    expect(worker.child.exitCode, worker.text()).toBeNull();
    const local = cli(['ablate', 'outage.yaml', '--out', 'outage-local', '--no-report']);
    expect(local.code, local.err).toBe(0);
    expectSameRuns(join('runs', 'outage'), 'outage-local');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  }, 600_000);
});
