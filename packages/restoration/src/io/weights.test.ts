import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import {
  createRegistry,
  encodeSafetensors,
  readSafetensorsFile,
  type TensorData,
  tf,
} from '@spikedistill/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { loadBackboneWeights } from './torch.js';
import { loadWeights, saveWeights } from './weights.js';

const registry = createRegistry({ packages: [{ name: 'r', register }] });
const small = { depth: 4, width: 3 };
let dir = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeSafetensors = (path: string, tensors: Iterable<readonly [string, TensorData]>) =>
  writeFileSync(path, encodeSafetensors(tensors));

const values = (m: { stateDict(): Map<string, tf.Variable> }) =>
  Object.fromEntries([...m.stateDict()].map(([k, v]) => [k, [...v.dataSync()]]));

describe('saveWeights / loadWeights', () => {
  it('round-trips parameters and BN buffers under the dotted names', async () => {
    const a = registry.child({ seed: 1 }).create('backbone', 'dncnn', small);
    const b = registry.child({ seed: 2 }).create('backbone', 'dncnn', small);
    a.stateDict()
      .get('bn2.runningVar')!
      .assign(tf.tensor1d([2, 3, 4]));
    const path = join(dir, 'a.safetensors');
    await saveWeights(a, path, { arch: 'dncnn' });
    const file = readSafetensorsFile(path);
    expect(file.metadata).toEqual({ format: 'spikedistill', arch: 'dncnn' });
    expect([...file.tensors.keys()]).toContain('bn2.runningMean');
    expect(values(b)).not.toEqual(values(a));
    await loadWeights(b, path);
    expect(values(b)).toEqual(values(a));
    // loadBackboneWeights recognises its own names too.
    const c = registry.child({ seed: 3 }).create('backbone', 'dncnn', small);
    await loadBackboneWeights(c, path);
    expect(values(c)).toEqual(values(a));
  });

  it('names the mismatching tensor and leaves the model unchanged', async () => {
    const model = registry.create('backbone', 'dncnn', small);
    const before = values(model);
    const entries = [...model.stateDict()].map(
      ([k, v]) => [k, { shape: v.shape, data: v.dataSync() as Float32Array }] as const,
    );
    const wrongShape = entries.map(([k, t]) =>
      k === 'conv3.weight'
        ? ([k, { shape: [3, 3, 3, 2], data: new Float32Array(54) }] as const)
        : ([k, t] as const),
    );
    writeSafetensors(join(dir, 'shape.safetensors'), wrongShape);
    await expect(loadWeights(model, join(dir, 'shape.safetensors'))).rejects.toThrow(
      /shape\.safetensors: tensor 'conv3\.weight' has shape \[3, 3, 3, 2\], the model expects \[3, 3, 3, 3\]/,
    );
    expect(values(model)).toEqual(before);

    writeSafetensors(
      join(dir, 'missing.safetensors'),
      entries.filter(([k]) => k !== 'bn3.bias'),
    );
    await expect(loadWeights(model, join(dir, 'missing.safetensors'))).rejects.toThrow(
      /missing\.safetensors lacks 1 tensor\(s\) the model needs: bn3\.bias/,
    );

    writeSafetensors(join(dir, 'extra.safetensors'), [
      ...entries,
      ['head.weight', { shape: [1], data: new Float32Array(1) }],
    ]);
    await expect(loadWeights(model, join(dir, 'extra.safetensors'))).rejects.toThrow(
      /extra\.safetensors has 1 tensor\(s\) the model does not: head\.weight/,
    );
    await loadWeights(model, join(dir, 'extra.safetensors'), { strict: false });

    const ints = entries.map(([k, t]) =>
      k === 'conv1.bias'
        ? ([k, { shape: t.shape, data: new Int32Array(t.data.length) }] as const)
        : ([k, t] as const),
    );
    writeSafetensors(join(dir, 'ints.safetensors'), ints);
    await expect(loadWeights(model, join(dir, 'ints.safetensors'))).rejects.toThrow(
      /tensor 'conv1\.bias' is I32/,
    );
    expect(encodeSafetensors(entries).length).toBeGreaterThan(0);
    model.dispose();
  });
});
