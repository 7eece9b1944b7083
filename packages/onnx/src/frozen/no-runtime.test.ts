import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeRegistry } from '../testing/models.js';
import { createFrozenModel } from './frozen-model.js';

// As on a platform without onnxruntime-node's binaries.
vi.mock('onnxruntime-node', () => {
  throw new Error('no binary for this platform');
});

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('without onnxruntime-node', () => {
  it('auto runs on tfjs and says why; onnx is an error that says why', async () => {
    const model = makeRegistry().create('backbone', 'dncnn', { depth: 3, width: 4 });
    const frozen = await createFrozenModel(model, { cacheDir: false });
    expect(frozen.engine).toBe('tfjs');
    expect(frozen.reason).toMatch(
      /^onnxruntime-node did not load \(.+\); running on tfjs \(cpu\)$/,
    );
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const { output } = await frozen.forward(x);
    expect(output!.shape).toEqual([1, 4, 4, 1]);
    tf.dispose([x, output!]);
    await expect(createFrozenModel(model, { engine: 'onnx' })).rejects.toThrow(
      /engine onnx: onnxruntime-node did not load/,
    );
    model.dispose();
  });
});
