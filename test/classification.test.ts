import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `spikedistill train` on classification configs, through the built CLI (issue
 * 13): a spiking classifier on the digits trains and is scored by accuracy,
 * per class; a restoration student on classification data is refused before
 * training with what to use instead. Needs the packages built (`pnpm build`).
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');

function train(config: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sd-classify-'));
  const file = join(dir, 'experiment.yaml');
  writeFileSync(file, config);
  const run = join(dir, 'run');
  const r = spawnSync(process.execPath, [bin, 'train', file, '--out', run], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, run };
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('spikedistill train on classification', () => {
  it('trains a spiking classifier on the digits with strategy none and reports accuracy per class', () => {
    const { code, out, run } = train(`
name: digits
data: { name: mnist, options: { trainSize: 600, testSize: 200, evalBatch: 100 } }
student: { name: spiking-vgg, options: { widths: [4, 8, 16], timesteps: 2 } }
loss: [{ name: cross-entropy, options: { labelSmoothing: 0.1 } }]
metrics: [{ name: accuracy }, { name: accuracy, options: { top: 5 } }]
train: { steps: 30, batch: 16, lr: 5.0e-3, evalEvery: 15, checkpointEvery: 0 }
`);
    expect(code, out).toBe(0);
    const summary = readJson<{ steps: number; eval: Array<Record<string, unknown>> }>(
      join(run, 'summary.json'),
    );
    expect(summary.steps).toBe(30);
    const [scores] = summary.eval as Array<{
      set: string;
      images: number;
      model: Record<string, number>;
      perClass: Record<string, number>;
    }>;
    expect([scores!.set, scores!.images]).toEqual(['mnist/test', 200]);
    expect(Object.keys(scores!.model)).toEqual(['accuracy', 'top5']);
    expect(scores!.model['top5']).toBeGreaterThanOrEqual(scores!.model['accuracy']!);
    expect(Object.keys(scores!.perClass)).toHaveLength(10);
    const evals = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(evals.map((line) => JSON.parse(line).step)).toEqual([15, 30]);
    expect(out).toMatch(/mnist\/test\/accuracy/);
  }, 300_000);

  it('refuses a restoration student on classification data before training, saying what to use', () => {
    // The config of issue 13, which used to fail at the first step with E_SHAPE.
    const { code, out } = train(`
name: unet-on-labels
data: { name: cifar10-synthetic }
student: { name: spiking-unet, options: { channels: 3 } }
train: { steps: 3, batch: 4 }
`);
    expect(code).not.toBe(0);
    expect(out).toContain(
      'E_CONFIG: The data is classification with 10 classes, but the student outputs 3 channel(s): use a classifier backbone with `classes: 10`',
    );
  }, 120_000);
});
