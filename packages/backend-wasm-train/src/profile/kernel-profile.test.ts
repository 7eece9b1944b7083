import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasm } from '../kernels/compare-backends.test-helpers.js';
import { startKernelProfile } from './kernel-profile.js';

describe('startKernelProfile', () => {
  beforeAll(async () => {
    await useWasm();
    await tf.setBackend('wasm');
  });

  it('counts each outermost kernel call once, and stop() restores the kernels', () => {
    const before = tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
    const profiler = startKernelProfile('wasm');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).not.toBe(before);
    const x = tf.ones([1, 6, 6, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 3]) as tf.Tensor4D;
    // Strided dx runs Conv2D and DepthToSpace inside: only the outer call counts.
    tf.tidy(() => {
      tf.conv2dTranspose(tf.ones([1, 3, 3, 3]) as tf.Tensor4D, w, [1, 6, 6, 2], 2, 'same');
      tf.add(x, x);
      tf.add(x, x);
    });
    const byName = new Map(profiler.timings().map((t) => [t.kernel, t]));
    expect(byName.get('Conv2DBackpropInput')?.calls).toBe(1);
    expect(byName.get('Add')?.calls).toBe(2);
    expect(byName.has('DepthToSpace')).toBe(false);
    for (const t of profiler.timings()) {
      expect(t.cpuMs).toBeGreaterThanOrEqual(0);
      expect(t.wallMs).toBeGreaterThanOrEqual(0);
    }
    expect(profiler.overheadMsPerCall).toBeGreaterThan(0);
    profiler.reset();
    expect(profiler.timings()).toEqual([]);
    profiler.stop();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(before);
    tf.dispose([x, w]);
  });
});
