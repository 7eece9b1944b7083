import { ConfigError, tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectSameOnCpuAndWasm,
  randn,
  useWasm,
} from '../kernels/compare-backends.test-helpers.js';

// onnxruntime-node missing or broken: 'auto' falls back to the wasm kernels
// and says why, 'on' is an error that says what to do.
vi.mock('./ort-session.js', () => ({
  loadRuntime: () => ({ ok: false, reason: 'onnxruntime-node is not installed' }),
  NativeSession: class {},
}));
const { configureNativeConv, nativeConvStatus } = await import('./native-conv.js');
const { describeConvEngine } = await import('../backend.js');

describe('without onnxruntime-node', () => {
  beforeAll(useWasm);

  it("'auto' runs the wasm kernels and says why", async () => {
    const status = configureNativeConv('auto');
    expect(status).toMatchObject({ mode: 'auto', active: false, engine: 'wasm (XNNPACK)' });
    expect(status.reason).toBe('onnxruntime-node is not installed');
    expect(describeConvEngine(status)).toBe(
      'conv passes on wasm (XNNPACK): onnxruntime-node is not installed',
    );
    await expectSameOnCpuAndWasm(() =>
      tf.conv2d(
        randn([2, 6, 6, 3], 1) as tf.Tensor4D,
        randn([3, 3, 3, 4], 2) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    expect(nativeConvStatus().passes.forward).toEqual({ native: 0, wasm: 1 });
  });

  it("'on' is a ConfigError naming the package and the alternatives", () => {
    expect(() => configureNativeConv('on')).toThrow(ConfigError);
    expect(() => configureNativeConv('on')).toThrow(/onnxruntime-node.*'auto' or 'off'/);
  });
});
