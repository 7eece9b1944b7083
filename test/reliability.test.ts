import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng, readSafetensorsFile } from '@spikedistill/core';
import { DEAD_LEAVES_DEFAULTS, deadLeaves, writePngSync } from '@spikedistill/plugins-datasets';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * What a user relies on, through the CLI as a user runs it (needs the
 * packages built): a run killed at any moment and resumed ends bit-identical
 * to an uninterrupted one; seeds of an ablation differ; a run folder belongs
 * to one run; large images evaluate (tiled when over the memory budget);
 * every bad input is a named error with exit status 1.
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'sd-reliability-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Starts the CLI; resolves when its output contains `marker`. */
function start(args: string[], marker: string): { child: ChildProcess; seen: Promise<void> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: work, stdio: 'pipe' });
  let text = '';
  const seen = new Promise<void>((ok, fail) => {
    const look = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(marker)) ok();
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('exit', () => fail(new Error(`exited before '${marker}':\n${text}`)));
  });
  seen.catch(() => {});
  return { child, seen };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok(child.exitCode);
    else child.on('exit', (code) => ok(code));
  });

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

function writeImages(dir: string, count: number, height: number, width: number, seed: number) {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const o = { ...DEAD_LEAVES_DEFAULTS, height, width, channels: 1 };
    writePngSync(join(dir, `img${i}.png`), {
      height,
      width,
      channels: 1,
      data: deadLeaves(rng.fork(`img${i}`), o),
    });
  }
}

/** loss.jsonl without the per-step wall time (the one field a clock decides). */
const lossLog = (runDir: string) =>
  readFileSync(join(runDir, 'loss.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { msPerStep: _, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });

const weights = (runDir: string) => {
  const { tensors } = readSafetensorsFile(join(runDir, 'student.safetensors'));
  return Object.fromEntries([...tensors].map(([name, t]) => [name, [...t.data]]));
};

const STEPS = 150;
const config = (name: string, extra = '') =>
  [
    `name: ${name}`,
    'seed: 3',
    'backend: wasm',
    'data: { name: folder-denoise, options: { train: images/train, test: [images/test], sigma: 25, patch: 24 } }',
    'student: { name: dncnn, options: { depth: 3, width: 8 } }',
    `train: { steps: ${STEPS}, batch: 4, lr: 1.0e-3, checkpointEvery: 7, logEvery: 1 }`,
    extra,
  ].join('\n');

beforeAll(() => {
  writeImages(join(work, 'configs', 'images', 'train'), 6, 48, 48, 1);
  writeImages(join(work, 'configs', 'images', 'test'), 2, 40, 40, 2);
  // Data folders are written relative to the config file, which is not in the working directory.
  writeFileSync(join(work, 'configs', 'run.yaml'), config('rel'));
});

describe('resume after SIGKILL', () => {
  it('ends bit-identical to an uninterrupted run, whenever the kill came', async () => {
    const straight = cli(['train', 'configs/run.yaml', '--out', 'straight']);
    expect(straight.code, straight.err).toBe(0);

    const delays = [0, 400, 900, 1500];
    for (const [trial, delay] of delays.entries()) {
      const out = `killed-${trial}`;
      const first = start(['train', 'configs/run.yaml', '--out', out], 'training steps');
      await first.seen;
      await sleep(delay);
      first.child.kill('SIGKILL');
      await exited(first.child);
      const resumed = cli(['train', 'configs/run.yaml', '--out', out, '--resume']);
      expect(resumed.code, resumed.err).toBe(0);
      expect(weights(join(work, out))).toEqual(weights(join(work, 'straight')));
      expect(lossLog(join(work, out))).toEqual(lossLog(join(work, 'straight')));
    }
  }, 600_000); // nine CLI runs: minutes on a loaded 2-core machine

  it('also when the kill lands in a checkpoint write (the temporary file is cleaned up)', async () => {
    const out = 'killed-in-write';
    const dir = join(work, out, 'checkpoints');
    mkdirSync(dir, { recursive: true });
    const run = start(['train', 'configs/run.yaml', '--out', out], 'training steps');
    await run.seen;
    // Kill as soon as a checkpoint's temporary file appears (the second one: the first has a latest.json behind it).
    await new Promise<void>((ok) => {
      let seen = 0;
      const watcher = watch(dir, (_, file) => {
        if (file?.endsWith('.tmp') && ++seen === 3) {
          run.child.kill('SIGKILL');
          watcher.close();
          ok();
        }
      });
    });
    await exited(run.child);
    const resumed = cli(['train', 'configs/run.yaml', '--out', out, '--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(weights(join(work, out))).toEqual(weights(join(work, 'straight')));
    expect(lossLog(join(work, out))).toEqual(lossLog(join(work, 'straight')));
  });
});

describe('ablations and run folders', () => {
  it('a 2-seed ablation trains two different students', () => {
    writeFileSync(
      join(work, 'configs', 'seeds.yaml'),
      config('seeds', 'ablate: { seed: [1, 2] }').replace(`steps: ${STEPS}`, 'steps: 4'),
    );
    const r = cli(['ablate', 'configs/seeds.yaml', '--out', 'seeds', '--no-report']);
    expect(r.code, r.err).toBe(0);
    const [a, b] = ['seed=1', 'seed=2'].map((d) => join(work, 'seeds', d));
    expect(weights(a!)).not.toEqual(weights(b!));
    expect(JSON.parse(readFileSync(join(a!, 'config.json'), 'utf8')).seed).toBe(1);
    expect(JSON.parse(readFileSync(join(b!, 'config.json'), 'utf8')).seed).toBe(2);
    // Running it again without --resume would mix runs: refused; with --resume, finished variants are skipped.
    expect(cli(['ablate', 'configs/seeds.yaml', '--out', 'seeds']).err).toMatch(
      /error E_RUN_EXISTS/,
    );
    const again = cli([
      'ablate',
      'configs/seeds.yaml',
      '--out',
      'seeds',
      '--resume',
      '--no-report',
    ]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/already finished at step 4/);

    // The same files at another path (a fresh clone of a project with its results
    // committed): config.json names no path of the first place, so --resume there
    // still recognises both finished runs instead of calling them a different config.
    const config1 = readFileSync(join(a!, 'config.json'), 'utf8');
    expect(config1).not.toContain(work);
    expect(JSON.parse(config1).data.options.train).toBe('../../configs/images/train');
    const clone = join(work, 'clone');
    cpSync(join(work, 'configs'), join(clone, 'configs'), { recursive: true });
    cpSync(join(work, 'seeds'), join(clone, 'seeds'), { recursive: true });
    const moved = spawnSync(
      process.execPath,
      [bin, 'ablate', 'configs/seeds.yaml', '--out', 'seeds', '--resume', '--no-report'],
      { cwd: clone, encoding: 'utf8' },
    );
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.stdout.match(/already finished at step 4/g)).toHaveLength(2);
  });

  it('a second train on a folder in use is refused, and so is a finished one without --resume', async () => {
    const first = start(['train', 'configs/run.yaml', '--out', 'busy'], 'training steps');
    await first.seen;
    const second = cli(['train', 'configs/run.yaml', '--out', 'busy', '--resume']);
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/error E_RUN_LOCKED: .*busy is in use by another run \(pid \d+/);
    expect(await exited(first.child)).toBe(0);
    const third = cli(['train', 'configs/run.yaml', '--out', 'busy']);
    expect(third.code).toBe(1);
    expect(third.err).toMatch(/error E_RUN_EXISTS: .*already holds a run/);
  });
});

describe('evaluation of large images', () => {
  beforeAll(() => {
    writeImages(join(work, 'configs', 'large'), 1, 512, 768, 5);
    writeImages(join(work, 'configs', 'medium'), 1, 96, 120, 6);
    for (const set of ['large', 'medium']) {
      writeFileSync(
        join(work, 'configs', `teacher-${set}.yaml`),
        [
          `name: teacher-${set}`,
          'backend: wasm',
          `data: { name: folder-denoise, options: { train: images/train, test: [${set}] } }`,
          'teacher: { name: dncnn, options: { depth: 17, width: 64 } }',
        ].join('\n'),
      );
    }
  });

  it('a DnCNN-17 teacher evaluates a 768×512 image, and the config needs no student', () => {
    const r = cli([
      'eval',
      'configs/teacher-large.yaml',
      '--model',
      'teacher',
      '--out',
      'eval-large',
    ]);
    expect(r.code, r.err).toBe(0);
    const csv = readFileSync(join(work, 'eval-large', 'eval-teacher.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('set,image,psnr,ssim,input_psnr,input_ssim');
    expect(csv).toHaveLength(2);
    expect(r.out).toMatch(/the noisy input is scored as the model output is: clipped to \[0, 1\]/);
  });

  it('an image over the memory budget is tiled, with the same scores as one forward', () => {
    const whole = cli([
      'eval',
      'configs/teacher-medium.yaml',
      '--model',
      'teacher',
      '--out',
      'm1',
      '--json',
      '--engine',
      'tfjs',
    ]);
    const tiled = cli([
      'eval',
      'configs/teacher-medium.yaml',
      '--model',
      'teacher',
      '--out',
      'm2',
      '--json',
      '--memory-budget',
      '8',
      '--engine',
      'tfjs',
    ]);
    expect(whole.code, whole.err).toBe(0);
    expect(tiled.code, tiled.err).toBe(0);
    const scores = (out: string) => JSON.parse(out).sets[0].perImage[0].model;
    // DnCNN-17 sees 35×35 pixels; tiles overlap by 32 on every side, so every output pixel is the same.
    expect(scores(tiled.out)).toEqual(scores(whole.out));
    expect(tiled.err).toMatch(/over the memory budget, restored in \d+ tiles/);
    expect(whole.err).not.toMatch(/tiles/);
  });
});

describe('bad input is a named error with exit status 1', () => {
  const bad = (name: string, text: string) => {
    writeFileSync(join(work, 'configs', name), text);
    return join('configs', name);
  };

  it.each([
    [
      '--set __proto__',
      ['--set', '__proto__.polluted=1'],
      /error E_CONFIG: .*'__proto__' is not a config field/,
    ],
    [
      'a run name with ..',
      ['--set', 'name=../../x'],
      /error E_CONFIG: .*a run name is a folder name/,
    ],
    [
      'a huge patch',
      ['--set', 'data.options.patch=1e8'],
      /error E_BAD_OPTIONS: .*data\.options.*patch/,
    ],
    ['a learning rate beyond bounds', ['--set', 'train.lr=1e20'], /error E_CONFIG: .*train\.lr/],
    [
      'a nested neuron typo',
      ['--set', 'student.name=spiking-unet', '--set', 'student.options.neuron=lfi'],
      /error E_UNKNOWN_PLUGIN: Unknown neuron plugin 'lfi' at student\.options\.neuron\. Did you mean 'lif'\?/,
    ],
    [
      'huge timesteps',
      ['--set', 'student.name=spiking-unet', '--set', 'student.options.timesteps=100000'],
      /error E_BAD_OPTIONS: .*timesteps/,
    ],
    ['an unwritable run folder', ['--out', 'configs/run.yaml/sub'], /error E_IO: /],
  ])('%s', (_, args, message) => {
    const r = cli(['train', 'configs/run.yaml', ...(args as string[])]);
    expect(r.err).toMatch(message as RegExp);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack without --debug
    expect(r.code).toBe(1);
  });

  it('a YAML alias bomb, corrupt weights, and --debug for the stack', () => {
    const bomb = bad(
      'bomb.yaml',
      `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    );
    const r = cli(['check', bomb]);
    expect(r.err).toMatch(/error E_CONFIG: .*not valid YAML/);
    expect(r.code).toBe(1);
    writeFileSync(
      join(work, 'configs', 'corrupt.safetensors'),
      'not safetensors at all, but long enough',
    );
    const weightsRun = cli([
      'eval',
      'configs/run.yaml',
      '--weights',
      'configs/corrupt.safetensors',
    ]);
    expect(weightsRun.err).toMatch(
      /error E_WEIGHTS: .*corrupt\.safetensors: not a valid safetensors file/,
    );
    expect(weightsRun.code).toBe(1);
    const debug = cli([
      'eval',
      'configs/run.yaml',
      '--weights',
      'configs/corrupt.safetensors',
      '--debug',
    ]);
    expect(debug.err).toMatch(/\n\s+at /);
    expect(debug.code).toBe(1);
  });

  it('check finds what train would trip over', () => {
    expect(cli(['check', 'configs/run.yaml']).code).toBe(0);
    const typo = cli([
      'check',
      'configs/run.yaml',
      '--set',
      'strategy={name: compose, options: {terms: [tna, {name: hint, options: {wieght: 1}}]}}',
    ]);
    expect(typo.err).toMatch(
      /strategy\.options\.terms\.1\.options: strategy 'hint': unknown option 'wieght' \(did you mean 'weight'\?\)/,
    );
    const noTeacher = cli(['check', 'configs/run.yaml', '--set', 'strategy.name=hint']);
    expect(noTeacher.err).toMatch(/strategy 'hint' needs a teacher/);
    const missing = cli([
      'check',
      'configs/run.yaml',
      '--set',
      'teacher={name: dncnn, weights: nowhere.safetensors}',
    ]);
    expect(missing.err).toMatch(
      /teacher\.weights: '.*nowhere\.safetensors' is not an existing file/,
    );
    expect(existsSync(join(work, 'nowhere.safetensors'))).toBe(false);
  });
});
