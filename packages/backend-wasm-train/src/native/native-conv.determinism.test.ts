import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernel, randn, useWasmWith } from '../kernels/compare-backends.test-helpers.js';
import { clearNativeConvSessions, configureNativeConv, nativeConvStatus } from './native-conv.js';
import { loadRuntime } from './ort-session.js';

// Exact resume (a run killed and resumed ends bit-identical to an
// uninterrupted one) needs every conv pass to give the same bits each time it
// runs on the same data: after the sessions are rebuilt (a new process), with
// the tensors elsewhere on the heap, and with ONNX Runtime on as many threads
// as wasm (two here: its thread pool must not change the order of a sum).

/** The float32 bits of `t` (NaN and −0 compared as bits, not as numbers). */
const bits = (t: tf.Tensor) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer);

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number;
}

const cases: Case[] = [
  // blocked kernels (channels a multiple of the block) for forward and dx
  { x: [4, 20, 18, 32], f: [3, 3, 32, 32], s: 1 },
  // plain Conv graphs (3 input channels)
  { x: [4, 24, 24, 3], f: [3, 3, 3, 16], s: 1 },
  // strided: dx through its phases, dW strided
  { x: [2, 21, 19, 16], f: [3, 3, 16, 32], s: 2 },
];

/** The three passes of `c` on seeded inputs; each output's bits. */
function passes(c: Case, seed: number): Uint32Array[] {
  const outs = tf.tidy(() => {
    const x = randn(c.x, seed) as tf.Tensor4D;
    const w = randn(c.f, seed + 1) as tf.Tensor4D;
    const { outShape } = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, 'same');
    const dy = randn(outShape, seed + 2);
    const attrs = { strides: c.s, pad: 'same', dataFormat: 'NHWC' };
    return [
      tf.conv2d(x, w, c.s, 'same'),
      kernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }),
      kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }),
    ];
  });
  const out = outs.map(bits);
  tf.dispose(outs);
  return out;
}

/** Three SGD steps of a small conv net from a seeded start; its weights' bits. */
function train(): Uint32Array[] {
  const weights = tf.tidy(() => [
    tf.variable(tf.mul(randn([3, 3, 1, 16], 1), 0.3)),
    tf.variable(tf.mul(randn([3, 3, 16, 16], 2), 0.1)),
    tf.variable(tf.mul(randn([3, 3, 16, 1], 3), 0.1)),
  ]);
  const x = randn([4, 24, 24, 1], 4) as tf.Tensor4D;
  const target = randn([4, 24, 24, 1], 5);
  const optimizer = tf.train.sgd(0.01);
  for (let step = 0; step < 3; step++) {
    optimizer.minimize(() => {
      let h: tf.Tensor4D = x;
      weights.forEach((w, i) => {
        h = tf.conv2d(h, w as tf.Tensor4D, 1, 'same');
        if (i < weights.length - 1) h = tf.relu(h);
      });
      return tf.mean(tf.square(tf.sub(h, target)));
    });
  }
  const out = weights.map(bits);
  optimizer.dispose();
  tf.dispose([...weights, x, target]);
  return out;
}

describe.skipIf(!loadRuntime().ok)('conv passes on ONNX Runtime are deterministic', () => {
  beforeAll(async () => {
    await useWasmWith({ threads: 2, nativeConv: 'on' });
    await tf.setBackend('wasm');
  });

  for (const [i, c] of cases.entries()) {
    it(`gives the same bits on every run, in new sessions, elsewhere on the heap: x ${c.x}, filter ${c.f}, stride ${c.s}`, () => {
      configureNativeConv('on');
      const first = passes(c, 10 * i);
      expect(passes(c, 10 * i)).toEqual(first);
      clearNativeConvSessions();
      // moves the next tensors to other heap offsets
      const shift = tf.zeros([1037]);
      expect(passes(c, 10 * i)).toEqual(first);
      shift.dispose();
      const { passes: counts } = nativeConvStatus();
      expect(counts.filterGrad).toEqual({ native: 3, wasm: 0 });
      expect(counts.forward.wasm + counts.inputGrad.wasm).toBe(0);
    });
  }

  it('splits dW over the batch in the same chunks every time', () => {
    // two runs of two images each, summed in the same order each time
    configureNativeConv('on', { filterGradChunk: 2 * 20 * 18 * 32 });
    const first = passes(cases[0]!, 40)[2]!;
    clearNativeConvSessions();
    expect(passes(cases[0]!, 40)[2]).toEqual(first);
  });

  it('trains a conv net to the same weights, bit for bit, when repeated', () => {
    configureNativeConv('on');
    const before = tf.memory().numTensors;
    const first = train();
    clearNativeConvSessions();
    const shift = tf.zeros([523]);
    expect(train()).toEqual(first);
    shift.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const { passes: counts } = nativeConvStatus();
    expect(counts.forward.native).toBeGreaterThan(0);
    expect(counts.filterGrad.native).toBeGreaterThan(0);
  });
});
