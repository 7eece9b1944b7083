import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Backbone, createRegistry, loadBackboneWeights, tf } from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { register as registerRestoration } from '@spikedistill/restoration';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * `spikedistill export` and `eval --engine` as a user runs them: the built
 * CLI in a child process (needs `pnpm build`), on a student trained for two
 * steps; the exported file then runs in onnxruntime-node and must match the
 * tfjs forward of the same weights.
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'sd-export-'));
const env = { ...process.env, SPIKEDISTILL_CACHE: join(dir, 'cache') };

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd: dir });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const student = { name: 'spiking-unet', options: { widths: [4, 4, 8], timesteps: 2 } };
const config = join(dir, 'tiny.yaml');
const weights = join(dir, 'tiny', 'student.safetensors');

beforeAll(async () => {
  writeFileSync(
    config,
    [
      'name: tiny',
      'backend: cpu',
      `output: ${dir}`,
      'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 2, testSize: 24 } }',
      `student: ${JSON.stringify(student)}`,
      'train: { steps: 2, batch: 2, lr: 0.001 }',
    ].join('\n'),
  );
  const trained = cli(['train', config]);
  expect(trained.code, trained.err).toBe(0);
  expect(existsSync(weights)).toBe(true);
  await tf.setBackend('cpu');
}, 300_000);

describe('spikedistill export', () => {
  it('writes an ONNX file whose output and taps match the tfjs forward', async () => {
    const out = join(dir, 'student.onnx');
    const r = cli(['export', config, '--weights', weights, '--out', out, '--taps', 'enc2,dec1']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /wrote .*student\.onnx \([\d.]+ MB, \d+ nodes, ONNX opset 18\): spiking-unet/,
    );
    expect(r.out).toContain('input  input [batch, height, width, 1] (H, W multiples of 4)');
    expect(r.out).toContain('output dec1 [2, batch, height, width, 4]');

    const registry = createRegistry({
      packages: [
        { name: 'neurons', register: registerNeurons },
        { name: 'restoration', register: registerRestoration },
      ],
    });
    const model = registry.createFrom('backbone', student, 'student') as Backbone;
    loadBackboneWeights(model, weights);
    const x = tf.randomUniform([2, 20, 16, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const want = model.forward(x, { training: false, taps: ['enc2', 'dec1'] });
    const session = await ort.InferenceSession.create(out);
    const got = await session.run({
      input: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape),
    });
    expect(session.outputNames).toEqual(['output', 'enc2', 'dec1']);
    const o = got.output!.data as Float32Array;
    const ref = want.output.dataSync();
    const scale = Math.max(...ref.map(Math.abs));
    expect(Math.max(...o.map((v, i) => Math.abs(v - ref[i]!))) / scale).toBeLessThanOrEqual(1e-4);
    for (const tap of ['enc2', 'dec1']) {
      expect(got[tap]!.dims).toEqual(want.taps[tap]!.shape);
      expect(Array.from(got[tap]!.data as Float32Array)).toEqual(
        Array.from(want.taps[tap]!.dataSync()),
      );
    }
    await session.release();
    tf.dispose([x, want.output, ...Object.values(want.taps)]);
    model.dispose();
  });

  it('fails with exit code 1 and the valid taps for an unknown one', () => {
    const r = cli(['export', config, '--out', join(dir, 'x.onnx'), '--taps', 'dec9']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /E_BAD_OPTIONS: .*no feature tap 'dec9'; its taps are: enc1, enc2, latent, dec2, dec1/,
    );
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});

describe('spikedistill eval --engine', () => {
  it('scores the same on onnx and tfjs, and says which engine ran', () => {
    const psnr = (engine: string) => {
      const r = cli(['eval', config, '--weights', weights, '--engine', engine]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`engine: ${engine} — asked for ${engine}`));
      const row = r.out.split('\n').find((l) => l.includes('procedural'))!;
      return Number(row.match(/(\d+\.\d+)/)![1]);
    };
    const onnx = psnr('onnx');
    expect(onnx).toBeGreaterThan(5);
    expect(Math.abs(onnx - psnr('tfjs'))).toBeLessThan(1e-3);
  });
});
