import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { configureThreads } from '../parallel/threads.js';
import { expectSameOnCpuAndWasm, kernel, randn, useWasm } from './compare-backends.test-helpers.js';
import type { WasmBackend } from './wasm-backend.js';

// Vitest runs each file in its own process: this one's wasm backend has a
// thread pool, which switches stride-1 filter gradients to one GEMM per tap
// over the whole batch.
describe('Conv2DBackpropFilter on wasm with two threads', () => {
  beforeAll(async () => {
    await configureThreads(2);
    await useWasm();
  });

  it('runs with a thread pool', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    expect(backend.wasm.tfjs.getThreadsCount?.()).toBeGreaterThan(1);
  });

  const cases: { x: number[]; f: [number, number, number, number]; pad: 'same' | 'valid' }[] = [
    { x: [3, 9, 8, 6], f: [3, 3, 6, 7], pad: 'same' },
    { x: [2, 7, 10, 5], f: [5, 3, 5, 9], pad: 'valid' },
    { x: [1, 6, 6, 8], f: [3, 3, 8, 6], pad: 'same' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`matches cpu: x ${c.x}, filter ${c.f}, ${c.pad}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.x, i);
        const dy = randn(
          tf.conv2d(x as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, 1, c.pad).shape,
          20 + i,
        );
        return kernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f },
        );
      });
    });
  }
});
