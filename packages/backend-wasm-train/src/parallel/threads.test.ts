import { cpus } from 'node:os';
import { activateWasm, fusedLif, tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { installKernels } from '../register-all.js';
import { configureThreads, threadedBuildAvailable, wasmThreads } from './threads.js';

// Vitest runs each test file in its own process, so this file's wasm backend
// is the threaded one while the others stay single-threaded.
const expected = Math.min(2, cpus().length);

describe('configureThreads', () => {
  beforeAll(async () => {
    expect(await wasmThreads()).toBeUndefined();
    await expect(configureThreads(9)).rejects.toThrow(/integer from 1 to 8, got 9/);
    expect(await configureThreads(2)).toBe(threadedBuildAvailable() ? 2 : 1);
    await activateWasm();
    installKernels();
  });

  it('finds the patched threaded build of tfjs-backend-wasm', () => {
    expect(threadedBuildAvailable()).toBe(true);
  });

  it('runs the wasm backend on the asked threads (capped at the CPU count)', async () => {
    expect(await wasmThreads()).toBe(expected);
  });

  it('refuses another count once the backend runs', async () => {
    await expect(configureThreads(expected === 1 ? 2 : 1)).rejects.toThrow(/already runs with/);
    expect(await configureThreads(expected)).toBe(expected);
  });

  it('computes the same convolution as the cpu backend', async () => {
    const x = tf.randomUniform([2, 17, 19, 5], -1, 1, 'float32', 1);
    const w = tf.randomUniform([3, 3, 5, 6], -1, 1, 'float32', 2);
    await tf.setBackend('wasm');
    const onWasm = tf.tidy(() =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').dataSync(),
    );
    await tf.setBackend('cpu');
    const onCpu = tf.tidy(() =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').dataSync(),
    );
    await tf.setBackend('wasm');
    let err = 0;
    for (let i = 0; i < onCpu.length; i++) err = Math.max(err, Math.abs(onWasm[i]! - onCpu[i]!));
    expect(err).toBeLessThan(1e-4);
    tf.dispose([x, w]);
  });

  it('runs the fused LIF kernel on the shared heap', () => {
    const out = tf.tidy(() => {
      const x = tf.tensor2d([0.6, 0.6, 0.6, 2.5, 0], [5, 1]);
      return fusedLif(x, tf.zeros([1]), {
        tau: 2,
        threshold: 1,
        vReset: 0,
        decayInput: true,
        detachReset: false,
        surrogate: 'sigmoid',
        alpha: 4,
      }).spikes;
    });
    expect(Array.from(out.dataSync())).toEqual([0, 0, 0, 1, 0]);
    out.dispose();
  });
});
