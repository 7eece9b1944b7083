import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from './program.js';

function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  return buildProgram((l) => lines.push(l))
    .exitOverride()
    .parseAsync(['node', 'spikedistill', ...args])
    .then(() => lines);
}

describe('spikedistill CLI', () => {
  it('lists the registered kinds, backends included', async () => {
    const [table] = await run(['plugins']);
    expect(stripVTControlCharacters(table!)).toMatch(/backend\s*│\s*cpu, tensorflow, wasm/);
  });

  it('describes one plugin with its defaults', async () => {
    const [text] = await run(['plugins', 'backend', 'tensorflow']);
    expect(text).toContain('backend/tensorflow');
    expect(text).toContain('"device": "auto"');
  });

  it('train, report, eval and energy run end to end on a tiny config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-cli-'));
    const file = join(dir, 'tiny.yaml');
    writeFileSync(
      file,
      [
        'name: tiny',
        'backend: cpu',
        `output: ${dir}`,
        'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 2, testSize: 24 } }',
        'student: { name: dncnn, options: { depth: 3, width: 4 } }',
        'train: { steps: 3, batch: 2, lr: 0.001, checkpointEvery: 2 }',
      ].join('\n'),
    );
    const trained = (await run(['train', file])).join('\n');
    expect(trained).toContain('backend: cpu — requested');
    expect(trained).toMatch(/procedural.*│\s*2\s*│/);
    const runDir = join(dir, 'tiny');
    expect(existsSync(join(runDir, 'student.safetensors'))).toBe(true);
    expect(existsSync(join(runDir, 'samples.png'))).toBe(true);
    expect((await run(['report', runDir])).join('\n')).toMatch(/3 steps \(from 0\)/);
    const evaluated = (
      await run(['eval', file, '--weights', join(runDir, 'student.safetensors')])
    ).join('\n');
    expect(evaluated).toContain('student.safetensors');
    const energy = (await run(['energy', file, '--out', runDir])).join('\n');
    expect(energy).toContain('mac-ac-45nm: eMac=4.6 pJ, eAc=0.9 pJ');
    const energyFile = JSON.parse(readFileSync(join(runDir, 'energy.json'), 'utf8'));
    expect(energyFile.models.map((m: { role: string }) => m.role)).toEqual(['student']);
    expect(energyFile.models[0].estimates.map((e: { estimator: string }) => e.estimator)).toEqual([
      'mac-ac-45nm',
      'memory-aware',
    ]);
  });

  it('demo trains teacher and students, and reports scores, energy and a picture', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sd-demo-'));
    const text = (await run(['demo', '--steps', '2', '--out', out])).join('\n');
    expect(text).toMatch(/^backend: /);
    for (const row of ['teacher', 'student (none)', 'student (hint)'])
      expect(text).toContain(`│ ${row}`);
    expect(text).toMatch(/student spiking-unet\s+mac-ac-45nm\s+[\d,]+\s+0\.\d{3}/);
    expect(existsSync(join(out, 'samples.png'))).toBe(true);
    expect(existsSync(join(out, 'demo.json'))).toBe(true);
  });

  it('check reports an unknown plugin with its config path and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-cli-'));
    const file = join(dir, 'e.yaml');
    writeFileSync(file, 'data: { name: nope }\nstudent: { name: nada }\n');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    const code = await main(['node', 'spikedistill', 'check', file]);
    spy.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/E_UNKNOWN_PLUGIN: Unknown dataset plugin 'nope' at data\./);
  });

  it('reports usage mistakes as E_USAGE with exit code 1; --help and --version exit 0', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const run = (...args: string[]) => main(['node', 'spikedistill', ...args]);
    try {
      expect(await run('train', 'x.yaml', '--bogus')).toBe(1);
      expect(await run('trian')).toBe(1);
      expect(await run('train')).toBe(1);
      expect(await run('--help')).toBe(0);
      expect(await run('--version')).toBe(0);
    } finally {
      spy.mockRestore();
      write.mockRestore();
    }
    const lines = errors.map((e) => stripVTControlCharacters(e));
    expect(lines).toEqual([
      expect.stringMatching(/^error E_USAGE: unknown option '--bogus' \(see --help\)$/),
      expect.stringMatching(/^error E_USAGE: unknown command 'trian'/),
      expect.stringMatching(/^error E_USAGE: missing required argument 'config'/),
    ]);
  });
});

describe('ablate: a failing variant', () => {
  it('is recorded with its error, the others finish, and the results are written after each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-ablate-'));
    const file = join(dir, 'grid.yaml');
    writeFileSync(
      file,
      [
        'name: grid',
        'backend: cpu',
        `output: ${dir}`,
        'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 1, testSize: 24 } }',
        'student: { name: dncnn, options: { depth: 3, width: 4 } }',
        'train: { steps: 2, batch: 2, lr: 0.001, checkpointEvery: 0 }',
        // validateOn a set that does not exist makes the middle variant fail when it starts.
        'ablate: { train.validateOn: [[procedural], [nope], [procedural, procedural]] }',
      ].join('\n'),
    );
    await expect(run(['ablate', file, '--no-report'])).rejects.toThrow(
      /1 of 3 variant\(s\) failed: train\.validateOn=\["nope"\] \(E_CONFIG: train\.validateOn names nope/,
    );
    const result = JSON.parse(readFileSync(join(dir, 'grid', 'ablation.json'), 'utf8'));
    expect(result.variants.map((v: { status: string }) => v.status)).toEqual([
      'done',
      'failed',
      'done',
    ]);
    expect(
      readFileSync(join(dir, 'grid', 'ablation.csv'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
  });
});
