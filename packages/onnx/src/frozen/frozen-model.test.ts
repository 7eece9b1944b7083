import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backbone, tf } from '@spikedistill/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateNorms, makeRegistry, randomizeState, relativeError } from '../testing/parity.js';
import { exportKey } from './cache.js';
import { createFrozenModel } from './frozen-model.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'spikedistill-onnx-cache-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function student(seed = 3): Backbone {
  const model = makeRegistry(seed).create('backbone', 'spiking-unet', {
    widths: [4, 6, 8],
    timesteps: 3,
  }) as Backbone;
  randomizeState(model, seed);
  const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  calibrateNorms(model, x);
  x.dispose();
  return model;
}

const values = (t: tf.Tensor) => t.dataSync() as Float32Array;

describe('createFrozenModel', () => {
  it('onnx and tfjs engines give the same output and taps, as tensors on the active backend', async () => {
    const model = student();
    const taps = ['dec1', 'latent'];
    const onnx = await createFrozenModel(model, { engine: 'onnx', taps, cacheDir, threads: 1 });
    const ref = await createFrozenModel(model, { engine: 'tfjs', taps });
    expect(onnx.engine).toBe('onnx');
    expect(onnx.reason).toMatch(
      /asked for onnx \(1\.\d+\.\d+, 1 thread\); model exported to .*\.onnx/,
    );
    expect(ref.reason).toBe('asked for tfjs (cpu)');
    const x = tf.randomUniform([2, 16, 12, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const a = await onnx.forward(x);
    const b = await ref.forward(x);
    expect(tf.memory().numTensors).toBe(before + 6);
    expect(Object.keys(a.taps).sort()).toEqual(['dec1', 'latent']);
    for (const name of taps) {
      expect(a.taps[name]!.shape).toEqual(b.taps[name]!.shape);
      expect(Array.from(values(a.taps[name]!))).toEqual(Array.from(values(b.taps[name]!)));
    }
    expect(a.output!.shape).toEqual([2, 16, 12, 1]);
    expect(relativeError(values(a.output!), values(b.output!))).toBeLessThanOrEqual(1e-4);
    tf.dispose([a.output!, b.output!, ...Object.values(a.taps), ...Object.values(b.taps)]);
    expect(tf.memory().numTensors).toBe(before);
    await onnx.dispose();
    x.dispose();
    model.dispose();
  });

  it('with taps only, computes no output and its graph stops at the deepest tap', async () => {
    const model = student();
    const full = await createFrozenModel(model, { engine: 'onnx', taps: ['enc2'], cacheDir });
    const early = await createFrozenModel(model, {
      engine: 'onnx',
      taps: ['enc2'],
      output: false,
      cacheDir,
    });
    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const r = await early.forward(x);
    expect(r.output).toBeUndefined();
    expect(r.taps.enc2!.shape).toEqual([3, 1, 4, 4, 6]);
    const { statSync } = await import('node:fs');
    expect(statSync(early.modelPath!).size).toBeLessThan(statSync(full.modelPath!).size / 2);
    tf.dispose([x, r.taps.enc2!]);
    await Promise.all([full.dispose(), early.dispose()]);
    model.dispose();
  });

  it('caches exports by content hash: same weights and taps hit, other weights or taps miss', async () => {
    const dir = join(cacheDir, 'hash');
    const model = student();
    const first = await createFrozenModel(model, { engine: 'onnx', taps: ['dec1'], cacheDir: dir });
    const again = await createFrozenModel(model, { engine: 'onnx', taps: ['dec1'], cacheDir: dir });
    expect(again.modelPath).toBe(first.modelPath);
    expect(again.reason).toMatch(/model cached/);
    const otherTaps = exportKey(model, { taps: ['dec2'] });
    expect(otherTaps).not.toBe(exportKey(model, { taps: ['dec1'] }));
    const w = model.namedParameters()[0]![1];
    const key = exportKey(model, { taps: ['dec1'] });
    w.assign(tf.tidy(() => tf.add(w, 1e-3)));
    expect(exportKey(model, { taps: ['dec1'] })).not.toBe(key);
    model.setWeightTransform((v) => tf.sign(v));
    const transformed = exportKey(model, { taps: ['dec1'] });
    model.setWeightTransform(undefined);
    expect(transformed).not.toBe(exportKey(model, { taps: ['dec1'] }));
    expect(readdirSync(dir)).toHaveLength(1);
    await Promise.all([first.dispose(), again.dispose()]);
    model.dispose();
  });

  it('auto picks onnx when onnxruntime-node loads, and says so', async () => {
    const model = student();
    const frozen = await createFrozenModel(model, { cacheDir: false, threads: 2 });
    expect(frozen.engine).toBe('onnx');
    expect(frozen.reason).toMatch(
      /^auto: onnxruntime-node loaded .*2 threads\); model exported in memory$/,
    );
    expect(frozen.modelPath).toBeUndefined();
    await frozen.dispose();
    model.dispose();
  });

  it('auto falls back to tfjs for a model without an ONNX export, naming why; onnx refuses', async () => {
    const model = makeRegistry().create('backbone', 'spiking-dncnn', {
      depth: 3,
      width: 4,
      encoder: 'rate',
    }) as Backbone;
    const frozen = await createFrozenModel(model, { cacheDir: false });
    expect(frozen.engine).toBe('tfjs');
    expect(frozen.reason).toMatch(
      /has no ONNX export \(.*'rate' encoder.*\); running on tfjs \(cpu\)/,
    );
    await expect(createFrozenModel(model, { engine: 'onnx', cacheDir: false })).rejects.toThrow(
      /'rate' encoder/,
    );
    model.dispose();
  });

  it('checks options and input shapes', async () => {
    const model = student();
    await expect(createFrozenModel(model, { taps: ['nope'] })).rejects.toThrow(/nope.*enc1/);
    await expect(createFrozenModel(model, { output: false })).rejects.toThrow(
      /name at least one tap/,
    );
    await expect(createFrozenModel(model, { engine: 'gpu' as never })).rejects.toThrow(
      /auto, onnx, tfjs/,
    );
    const frozen = await createFrozenModel(model, { engine: 'onnx', cacheDir: false });
    const x = tf.zeros([1, 10, 8, 1]) as tf.Tensor4D;
    await expect(frozen.forward(x)).rejects.toThrow(/multiples of 4/);
    x.dispose();
    await frozen.dispose();
    model.dispose();
    expect(existsSync(cacheDir)).toBe(true);
  });
});
