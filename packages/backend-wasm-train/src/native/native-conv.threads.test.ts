import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectSameOnCpuAndWasm,
  kernel,
  randn,
  useWasmWith,
} from '../kernels/compare-backends.test-helpers.js';
import type { WasmBackend } from '../kernels/wasm-backend.js';
import { configureNativeConv, nativeConvStatus } from './native-conv.js';
import { loadRuntime } from './ort-session.js';

// Vitest runs each file in its own process: this one's wasm backend has a
// thread pool, and its heap is a SharedArrayBuffer, which onnxruntime-node's
// binding does not accept: every pass goes through the staging copies, and
// ONNX Runtime runs on as many threads as wasm.
describe.skipIf(!loadRuntime().ok)('conv passes on ONNX Runtime with two wasm threads', () => {
  beforeAll(async () => {
    await useWasmWith({ threads: 2 });
    configureNativeConv('on');
  });

  it('runs with a thread pool on a shared heap', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    expect(backend.wasm.tfjs.getThreadsCount?.()).toBe(2);
    expect(backend.wasm.wasmMemory?.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  const cases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    s: number;
    pad: 'same' | 'valid';
  }[] = [
    { x: [3, 9, 8, 6], f: [3, 3, 6, 7], s: 1, pad: 'same' },
    { x: [2, 11, 10, 5], f: [3, 3, 5, 9], s: 2, pad: 'same' },
    { x: [1, 7, 9, 3], f: [2, 2, 3, 5], s: 2, pad: 'valid' },
  ];
  for (const [i, c] of cases.entries()) {
    it(`matches cpu: x ${c.x}, filter ${c.f}, stride ${c.s}, ${c.pad}`, async () => {
      configureNativeConv('on', { filterGradChunk: 1 });
      await expectSameOnCpuAndWasm(() => {
        const x = randn(c.x, i) as tf.Tensor4D;
        const w = randn(c.f, 10 + i) as tf.Tensor4D;
        const { outShape } = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad);
        const dy = randn(outShape, 20 + i);
        const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
        return [
          tf.conv2d(x, w, c.s, c.pad),
          kernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }),
          kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }),
        ];
      });
      const { passes } = nativeConvStatus();
      expect(passes.filterGrad).toEqual({ native: 1, wasm: 0 });
      expect(passes.forward.wasm + passes.inputGrad.wasm).toBe(0);
      // dx: one native pass, or (strided) the phases' native conv
      expect(passes.forward.native + passes.inputGrad.native).toBe(2);
    });
  }

  it('trains a conv layer the same way with interleaved wasm kernels', async () => {
    // Native passes between multi-threaded XNNPACK kernels (matmul, the
    // fused ops' neighbours): the wasm pool and ORT's never run at once.
    configureNativeConv('on');
    await expectSameOnCpuAndWasm(() => {
      const x = randn([4, 12, 12, 8], 1) as tf.Tensor4D;
      const w1 = randn([3, 3, 8, 16], 2);
      const w2 = randn([3, 3, 16, 4], 3);
      const m = randn([4 * 12 * 12, 4], 4) as tf.Tensor2D;
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const h = tf.relu(tf.conv2d(x, a as tf.Tensor4D, 1, 'same'));
        const y = tf.conv2d(h, b as tf.Tensor4D, 1, 'same');
        return tf.sum(tf.matMul(tf.reshape(y, [-1, 4]), m, false, true));
      };
      const [g1, g2] = tf.grads(f)([w1, w2]);
      return [g1!, g2!];
    });
  });
});
