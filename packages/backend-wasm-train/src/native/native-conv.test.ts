import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, tf } from '@spikedistill/core';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  expectSameOnCpuAndWasm,
  kernel,
  randn,
  useWasm,
  useWasmWith,
} from '../kernels/compare-backends.test-helpers.js';
import { clearNativeConvSessions, configureNativeConv, nativeConvStatus } from './native-conv.js';
import type { WasmBackend } from '../kernels/wasm-backend.js';
import { loadRuntime } from './ort-session.js';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number | [number, number];
  pad: Pad;
  d?: number;
}

// Seeded random geometry in the style of the kernel tests: strides 1–3,
// same/valid/explicit padding, batch 1, odd sizes, channel counts that are
// not multiples of 4, rectangular filters, dilation.
const cases: Case[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 5], s: 1, pad: 'same' },
  { x: [1, 8, 10, 4], f: [3, 3, 4, 7], s: 2, pad: 'same' },
  { x: [3, 7, 9, 5], f: [3, 3, 5, 6], s: 2, pad: 'valid' },
  { x: [2, 10, 8, 6], f: [2, 2, 6, 3], s: 2, pad: 'valid' },
  { x: [1, 11, 13, 1], f: [5, 3, 1, 2], s: 1, pad: 'valid' },
  { x: [2, 9, 7, 3], f: [4, 4, 3, 1], s: 2, pad: 'same' },
  { x: [1, 13, 14, 3], f: [5, 5, 3, 2], s: 3, pad: 'same' },
  { x: [2, 9, 8, 3], f: [3, 3, 3, 2], s: [2, 1], pad: 'same' },
  { x: [2, 12, 11, 8], f: [1, 1, 8, 12], s: 2, pad: 'valid' },
  { x: [3, 11, 9, 5], f: [3, 3, 5, 7], s: 2, pad: 1 },
  {
    x: [2, 6, 7, 2],
    f: [3, 3, 2, 3],
    s: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  {
    x: [1, 5, 5, 2],
    f: [3, 3, 2, 2],
    s: 1,
    pad: [
      [0, 0],
      [4, 0],
      [0, 3],
      [0, 0],
    ],
  },
];
// Channel counts ONNX Runtime's blocked kernels take (multiples of 16 with
// AVX-512, of 8 with AVX2): forward and stride-1 dx run on them.
const blocked: Case[] = [
  { x: [2, 7, 6, 16], f: [3, 3, 16, 32], s: 1, pad: 'same' },
  { x: [1, 9, 8, 32], f: [3, 3, 32, 16], s: 2, pad: 'same' },
  { x: [3, 5, 7, 16], f: [1, 1, 16, 16], s: 1, pad: 'valid' },
  { x: [1, 8, 9, 16], f: [3, 3, 16, 16], s: 1, pad: 'valid', d: 2 },
];
const dilated: Case[] = [
  { x: [2, 11, 10, 3], f: [3, 3, 3, 4], s: 1, pad: 'same', d: 2 },
  { x: [1, 12, 13, 5], f: [3, 2, 5, 3], s: 1, pad: 'valid', d: 3 },
];

const label = (c: Case) =>
  `x ${c.x}, filter ${c.f}, stride ${c.s}, pad ${JSON.stringify(c.pad)}${c.d ? `, dilation ${c.d}` : ''}`;

/** Inputs of the three passes for `c`, made from seeds (the same on every backend). */
function passInputs(c: Case, seed: number) {
  const x = randn(c.x, seed) as tf.Tensor4D;
  const w = randn(c.f, seed + 1) as tf.Tensor4D;
  // The output shape without running a conv (the pass counts count every conv).
  const { outShape } = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, c.d ?? 1, c.pad);
  const dy = randn(outShape, seed + 2) as tf.Tensor4D;
  return { x, w, dy };
}

const runtime = loadRuntime();

describe.skipIf(!runtime.ok)('conv passes on ONNX Runtime (nativeConv on)', () => {
  beforeAll(async () => {
    // One thread: the heap is a plain ArrayBuffer, read and written in place
    // (native-conv.threads.test.ts covers the shared heap's staging copies).
    await useWasmWith({ threads: 1 });
  });
  beforeEach(() => {
    configureNativeConv('on');
  });

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: ${label(c)}`, async () => {
      await expectSameOnCpuAndWasm(() => {
        const { x, w, dy } = passInputs(c, 10 * i);
        const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
        return [
          tf.conv2d(x, w, c.s, c.pad),
          kernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }),
          kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }),
        ];
      });
      // Each pass ran natively (not a silent fallback to the wasm kernels):
      // dx as one native pass, or (strided) as the wasm kernel's phases, whose
      // one convolution is a native forward pass.
      const { passes } = nativeConvStatus();
      expect(passes.filterGrad).toEqual({ native: 1, wasm: 0 });
      expect(passes.forward.wasm + passes.inputGrad.wasm).toBe(0);
      expect(passes.forward.native + passes.inputGrad.native).toBe(2);
    });
  }

  for (const [i, c] of blocked.entries()) {
    it(`matches cpu on the blocked kernels: ${label(c)}`, async () => {
      const d = c.d ?? 1;
      await expectSameOnCpuAndWasm(() => {
        const { x, w, dy } = passInputs(c, 300 + 10 * i);
        const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
        const outs: tf.Tensor[] = [tf.conv2d(x, w, c.s, c.pad, 'NHWC', d)];
        // tfjs's dx takes no dilations (and cpu's ignores them)
        if (d === 1) {
          outs.push(
            kernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }),
          );
        }
        return outs;
      });
      expect(nativeConvStatus().passes.forward.wasm).toBe(0);
    });
  }

  it('runs on one wasm thread, on a plain (not shared) heap', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    expect(backend.wasm.tfjs.getThreadsCount?.() ?? 1).toBe(1);
    expect(backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer).not.toBeInstanceOf(
      SharedArrayBuffer,
    );
  });

  it('finds the block of the blocked kernels (16 with AVX-512, 8 with AVX2)', () => {
    // A wrong block or filter order makes the detection fall back to the
    // plain graphs (block 0), which the cases above would not notice.
    const flags = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
    const expected = /\bavx512f\b/.test(flags) ? 16 : /\bavx2\b/.test(flags) ? 8 : undefined;
    if (expected === undefined) expect([0, 8, 16]).toContain(nativeConvStatus().nchwcBlock);
    else expect(nativeConvStatus().nchwcBlock).toBe(expected);
  });

  for (const [i, c] of dilated.entries()) {
    // tfjs's dx kernel has no dilations; dW has (an extension, see the kernel
    // tests). cpu's dW ignores them, so its reference is the undilated dW of
    // the filter with the taps spread out, taken at the dilated taps.
    it(`matches cpu: forward and dW, ${label(c)}`, async () => {
      const d = c.d!;
      const [kh, kw, ci, co] = c.f;
      const wide: [number, number, number, number] = [d * (kh - 1) + 1, d * (kw - 1) + 1, ci, co];
      await expectSameOnCpuAndWasm(() => {
        const { x, w, dy } = passInputs(c, 100 + 10 * i);
        const attrs = { strides: 1, pad: c.pad, dataFormat: 'NHWC' };
        const y = tf.conv2d(x, w, 1, c.pad, 'NHWC', d);
        if (tf.getBackend() === 'wasm') {
          return [
            y,
            kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, dilations: d, filterShape: c.f }),
          ];
        }
        const dW = kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: wide });
        return [y, tf.stridedSlice(dW, [0, 0, 0, 0], wide, [d, d, 1, 1])];
      });
      expect(nativeConvStatus().passes.forward).toEqual({ native: 1, wasm: 0 });
      expect(nativeConvStatus().passes.filterGrad).toEqual({ native: 1, wasm: 0 });
    });
  }

  it('runs conv2dTranspose (dx as its forward, conv and dW in its gradient) like cpu', async () => {
    await expectSameOnCpuAndWasm(() => {
      const x = randn([2, 5, 6, 4], 1) as tf.Tensor4D;
      const w = randn([3, 3, 3, 4], 2) as tf.Tensor4D;
      const f = (xi: tf.Tensor, wi: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.conv2dTranspose(xi as tf.Tensor4D, wi as tf.Tensor4D, [2, 10, 12, 3], 2, 'same'),
          ),
        );
      const [gx, gw] = tf.grads(f)([x, w]);
      return [tf.conv2dTranspose(x, w, [2, 10, 12, 3], 2, 'same'), gx!, gw!];
    });
    const { passes } = nativeConvStatus();
    // conv2dTranspose's forward is a strided dx: the phases' conv is native
    expect(passes.forward.native).toBeGreaterThan(1);
    expect(passes.filterGrad.native).toBeGreaterThan(0);
    expect(passes.forward.wasm + passes.inputGrad.wasm + passes.filterGrad.wasm).toBe(0);
  });

  it('gives the gradient of a conv layer that finite differences give', async () => {
    await tf.setBackend('wasm');
    const w = randn([3, 3, 3, 5], 7);
    const x = randn([2, 7, 6, 3], 8) as tf.Tensor4D;
    const target = randn([2, 4, 3, 5], 9);
    const loss = (wi: tf.Tensor) =>
      tf.mean(tf.square(tf.sub(tf.conv2d(x, wi as tf.Tensor4D, 2, 'same'), target))) as tf.Scalar;
    expectGradMatchesFiniteDifferences(loss, w);
    const lossX = (xi: tf.Tensor) =>
      tf.mean(
        tf.square(tf.sub(tf.conv2d(xi as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), target)),
      ) as tf.Scalar;
    expectGradMatchesFiniteDifferences(lossX, x);
    const { passes } = nativeConvStatus();
    expect(passes.filterGrad.native).toBeGreaterThan(0);
    expect(passes.forward.wasm + passes.inputGrad.wasm + passes.filterGrad.wasm).toBe(0);
    tf.dispose([w, x, target]);
  });

  it('splits dW over the batch and sums the chunks', async () => {
    // One image per session run: the first writes dW, the rest add to it.
    configureNativeConv('on', { filterGradChunk: 1 });
    await expectSameOnCpuAndWasm(() => {
      const { x, dy } = passInputs({ x: [5, 8, 7, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' }, 40);
      return kernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
      );
    });
    expect(nativeConvStatus().passes.filterGrad).toEqual({ native: 1, wasm: 0 });
  });

  it('leaves no tensors and no wasm memory behind, and reuses its sessions', async () => {
    await tf.setBackend('wasm');
    const { x, w, dy } = passInputs(cases[1]!, 50);
    const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
    const passes = () =>
      tf.dispose([
        tf.conv2d(x, w, 2, 'same'),
        kernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: cases[1]!.x }),
        kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: cases[1]!.f }),
      ]);
    passes();
    const sessions = nativeConvStatus().sessions;
    const before = tf.memory();
    for (let i = 0; i < 3; i++) passes();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(nativeConvStatus().sessions).toBe(sessions);
    tf.dispose([x, w, dy]);
  });

  it("leaves geometry ONNX sizes differently (dimRoundingMode 'ceil') to the wasm kernel", async () => {
    // ceil((8 − 3) / 2) + 1 = 4 rows where ONNX's floor gives 3. (tfjs-wasm's
    // own Conv2D disagrees with cpu here too; only the routing is checked.)
    await tf.setBackend('wasm');
    const x = randn([1, 8, 8, 2], 1) as tf.Tensor4D;
    const w = randn([3, 3, 2, 3], 2) as tf.Tensor4D;
    const y = tf.conv2d(x, w, 2, 0, 'NHWC', 1, 'ceil');
    expect(y.shape).toEqual([1, 4, 4, 3]);
    expect(nativeConvStatus().passes.forward).toEqual({ native: 0, wasm: 1 });
    tf.dispose([x, w, y]);
  });

  it('keeps NCHW convolutions on the wasm kernels', async () => {
    await tf.setBackend('wasm');
    // tfjs-backend-wasm's Conv2D supports NHWC only: the native path must not
    // take NCHW either (the pass count stays at zero).
    const x = randn([1, 3, 6, 6], 3) as tf.Tensor4D;
    const w = randn([3, 3, 3, 2], 4) as tf.Tensor4D;
    expect(() => tf.conv2d(x, w, 1, 'same', 'NCHW').dispose()).toThrow();
    expect(nativeConvStatus().passes.forward.native).toBe(0);
    tf.dispose([x, w]);
  });
});

describe.skipIf(!runtime.ok)('nativeConv auto and off', () => {
  beforeAll(async () => {
    await useWasm();
  });

  it('auto runs large passes natively and leaves small ones on wasm', async () => {
    configureNativeConv('auto', { autoMinFlops: 1e5 });
    await tf.setBackend('wasm');
    const big = passInputs({ x: [2, 16, 16, 8], f: [3, 3, 8, 8], s: 1, pad: 'same' }, 60);
    const small = passInputs({ x: [1, 4, 4, 2], f: [3, 3, 2, 2], s: 1, pad: 'same' }, 70);
    tf.dispose([tf.conv2d(big.x, big.w, 1, 'same'), tf.conv2d(small.x, small.w, 1, 'same')]);
    expect(nativeConvStatus().passes.forward).toEqual({ native: 1, wasm: 1 });
    tf.dispose([big.x, big.w, big.dy, small.x, small.w, small.dy]);
  });

  it('off runs every pass on wasm and says so', async () => {
    const status = configureNativeConv('off');
    expect(status.active).toBe(false);
    expect(status.reason).toMatch(/off/);
    await tf.setBackend('wasm');
    const { x, w } = passInputs(cases[0]!, 80);
    tf.conv2d(x, w, 1, 'same').dispose();
    expect(nativeConvStatus().passes.forward).toEqual({ native: 0, wasm: 1 });
    tf.dispose([x, w]);
  });

  it('reports the engine, and clears its sessions on request', () => {
    const status = configureNativeConv('on');
    expect(status).toMatchObject({ mode: 'on', active: true });
    expect(status.engine).toMatch(/^onnxruntime-node \d+\.\d+/);
    clearNativeConvSessions();
    expect(nativeConvStatus().sessions).toBe(0);
  });

  it('rejects an unknown mode with the valid ones', () => {
    expect(() => configureNativeConv('fast' as never)).toThrow(ConfigError);
    expect(() => configureNativeConv('fast' as never)).toThrow(/'auto', 'on' or 'off'/);
  });
});
