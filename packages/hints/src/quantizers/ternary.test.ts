import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvents, decodeSafetensors, loadModule, tf, train } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeStudent, hintsRegistry } from '../fixtures.test-helpers.js';

describe('ternary quantizer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('maps weights to {−α, 0, +α} with TWN threshold and scale', () => {
    const q = hintsRegistry().create('quantizer', 'ternary');
    // mean|w| = (0.1+0.2+1+2+0.3+0.4)/6 = 0.6667; Δ = 0.7·0.6667 = 0.4667 → kept: 1, −2 → α = 1.5
    const w = tf.tensor1d([0.1, -0.2, 1, -2, 0.3, 0.4]);
    const out = q.quantize(w);
    expect([...out.dataSync()].map((v) => Number(v.toFixed(5)))).toEqual([0, 0, 1.5, -1.5, 0, 0]);
    expect(q.levels(w)).toBe(3);
    tf.dispose([w, out]);
  });

  it('passes the gradient straight through', () => {
    const q = hintsRegistry().create('quantizer', 'ternary', { factor: 0.5 });
    const w = tf.tensor1d([0.1, -0.9, 0.5]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(q.quantize(x), tf.tensor1d([1, 2, 3]))))(w);
    expect([...g.dataSync()]).toEqual([1, 2, 3]);
    tf.dispose([w, g]);
  });

  it('rejects a threshold factor outside (0, 1]', () => {
    expect(() => hintsRegistry().create('quantizer', 'ternary', { factor: 1.5 })).toThrow(
      /quantizer 'ternary': factor: Too big/,
    );
  });
});

describe('a ternary student is saved as ternary', () => {
  it('each transformed layer is stored as int8 codes of three values with its scale, and loads back exactly', async () => {
    await tf.setBackend('cpu');
    const registry = hintsRegistry(4);
    const quantizer = registry.create('quantizer', 'ternary', {});
    const student = registry.create('backbone', 'fake-student', {}, 'student') as FakeStudent;
    student.setWeightTransform(quantizer.quantize);
    const strategy = registry.create('strategy', 'none', {}, 'strategy');
    strategy.attach(
      { student },
      { registry, path: 'strategy', studentRef: { name: 'fake-student' } },
    );
    const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const data = {
      task: 'restoration' as const,
      channels: 1,
      nextBatch: async () => ({ input: x.clone(), target: tf.mul(x, 0.5) as tf.Tensor4D }),
      evalSets: () => [],
    };
    const runDir = mkdtempSync(join(tmpdir(), 'sd-ternary-'));
    const l1 = registry.create('loss', 'l1');
    await train(
      { student, strategy, losses: [l1], metrics: [], data },
      { steps: 3, batch: 2, lr: 0.05, evalEvery: 0, checkpointEvery: 0, logEvery: 1, runDir },
      createEvents(),
    );
    const file = join(runDir, 'student.safetensors');
    const raw = decodeSafetensors(readFileSync(file));
    for (const name of ['w', 'head']) {
      const t = raw.tensors.get(name)!;
      expect(t.dtype, name).toBe('I8');
      expect(new Set(t.data).size, name).toBeLessThanOrEqual(3);
      expect([...new Set(t.data)].every((c) => c === -1 || c === 0 || c === 1)).toBe(true);
    }
    expect(Object.keys(JSON.parse(raw.metadata.ternary!)).sort()).toEqual(['head', 'w']);
    // Loaded into a fresh student with the quantizer, it computes exactly what the trained one did.
    const loaded = registry.create('backbone', 'fake-student', {}, 'other') as FakeStudent;
    loaded.setWeightTransform(quantizer.quantize);
    loadModule(loaded, file);
    const a = tf.tidy(() => student.forward(x).output.dataSync());
    const b = tf.tidy(() => loaded.forward(x).output.dataSync());
    expect([...b]).toEqual([...a]);
    tf.dispose(x);
    student.dispose();
    loaded.dispose();
  });
});
