import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The backend as a user names it, through the built CLI in a child process
 * (needs `pnpm build`): a plugin reference in the config, checked like any
 * other; `--backend` and `--set backend.options.*`; and a GPU asked for on a
 * machine that cannot give one is a named error, never a quiet run on the CPU.
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'sd-backend-cli-'));

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A config that trains a tiny DnCNN for two steps on procedural images. */
function config(name: string, backend?: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `output: ${dir}`,
      backend === undefined ? '' : `backend: ${backend}`,
      'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 1, testSize: 16 } }',
      'student: { name: dncnn, options: { depth: 3, width: 4 } }',
      'train: { steps: 2, batch: 2, lr: 0.001, logEvery: 1 }',
    ].join('\n'),
  );
  return file;
}

describe('the backend in the config and on the command line', () => {
  it('check validates backend options strictly, with config paths, and --set reaches them', () => {
    const ok = cli(['check', config('threads', '{ name: wasm, options: { threads: 2 } }')]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('valid (1 variant)');

    const tooMany = cli(['check', config('too-many', '{ name: wasm, options: { threads: 9 } }')]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.err).toMatch(
      /^error E_BAD_OPTIONS: Invalid options at backend\.options: backend 'wasm': threads: /m,
    );

    const typo = cli(['check', config('typo', 'wasm'), '--set', 'backend.options.thread=1']);
    expect(typo.code).toBe(1);
    expect(typo.err).toContain(
      "error E_BAD_OPTIONS: Invalid options at backend.options: backend 'wasm': unknown option 'thread' (did you mean 'threads'?)",
    );

    const device = cli(['check', config('tpu', '{ name: tensorflow, options: { device: tpu } }')]);
    expect(device.code).toBe(1);
    expect(device.err).toMatch(
      /^error E_BAD_OPTIONS: Invalid options at backend\.options: backend 'tensorflow': device: /m,
    );

    // --backend applies before --set: a config without `backend:` takes both.
    const flagged = cli([
      'check',
      config('flagged'),
      '--backend',
      'wasm',
      '--set',
      'backend.options.threads=1',
    ]);
    expect(flagged.code, flagged.err).toBe(0);
    const wrongFlag = cli([
      'check',
      config('flagged'),
      '--backend',
      'cpu',
      '--set',
      'backend.options.threads=1',
    ]);
    expect(wrongFlag.code).toBe(1);
    expect(wrongFlag.err).toContain("backend 'cpu': unknown option 'threads'");
  });

  it('a GPU asked for where there is none is E_BACKEND_UNAVAILABLE saying what to install', () => {
    const file = config('gpu', '{ name: tensorflow, options: { device: gpu } }');
    const r = cli(['train', file]);
    if (r.code === 0) {
      // A CUDA machine with tfjs-node-gpu built: then it must really be on the GPU.
      expect(r.out).toContain(
        'backend: tensorflow — requested; @tensorflow/tfjs-node-gpu (CUDA GPU)',
      );
      return;
    }
    expect(r.code).toBe(1);
    const [first] = r.err.trim().split('\n');
    expect(first).toMatch(
      /^error E_BACKEND_UNAVAILABLE: Backend 'tensorflow' is not available: @tensorflow\/tfjs-node-gpu (is not installed|is installed but its native addon was not built|is installed but did not load|loaded, but TensorFlow found no usable CUDA GPU)/,
    );
    expect(first).toContain('npm install @tensorflow/tfjs-node-gpu@4.22.0');
    expect(first).toContain(
      'pnpm add --allow-build=@tensorflow/tfjs-node-gpu @tensorflow/tfjs-node-gpu@4.22.0',
    );
    expect(first).toContain('CUDA 11.2 and cuDNN 8.1');
    // It stopped before training: no run folder, no fallback backend line.
    expect(r.out).not.toMatch(/^backend: /m);
    expect(existsSync(join(dir, 'gpu'))).toBe(false);

    // The same through the flag and --set on a config that says nothing of backends.
    const flagged = cli([
      'train',
      config('gpu-flag'),
      '--backend',
      'tensorflow',
      '--set',
      'backend.options.device=gpu',
    ]);
    expect(flagged.code).toBe(1);
    expect(flagged.err).toMatch(/^error E_BACKEND_UNAVAILABLE: .*tfjs-node-gpu/m);
  });

  it('auto passes over the GPU, says why, and trains', () => {
    const file = config('auto', '{ name: auto, options: { tensorflow: { device: gpu } } }');
    const r = cli(['train', file, '--set', 'backend.options.wasm.threads=1']);
    expect(r.code, r.err).toBe(0);
    const line = r.out.split('\n').find((l) => l.startsWith('backend: '));
    if (line?.startsWith('backend: tensorflow')) {
      expect(line).toContain('(CUDA GPU)'); // a CUDA machine: nothing to pass over
      return;
    }
    expect(line).toMatch(
      /^backend: wasm — auto: best available \(skipped tensorflow: @tensorflow\/tfjs-node-gpu /,
    );
    const run = JSON.parse(readFileSync(join(dir, 'auto', 'run.json'), 'utf8')) as {
      backend: string;
    };
    expect(run.backend).toBe('wasm');
    const saved = JSON.parse(readFileSync(join(dir, 'auto', 'config.json'), 'utf8')) as {
      backend: unknown;
    };
    expect(saved.backend).toEqual({
      name: 'auto',
      options: { tensorflow: { device: 'gpu' }, wasm: { threads: 1 } },
    });
  });
});
