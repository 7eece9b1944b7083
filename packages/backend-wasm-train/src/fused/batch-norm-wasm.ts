import type { FusedBatchNormAttrs } from '@spikedistill/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { disposeAll, offsetOf, type WasmBackend } from '../kernels/wasm-backend.js';
import { finishVariance, gradCoefficients } from './batch-norm-math.js';
import { type HeapOwner, heapModule } from './heap-module.js';
import { batchNormWasmPlain, batchNormWasmShared } from './wasm/batch-norm-wasm-binary.js';

/**
 * The fused batch norm's passes over the feature map as WebAssembly
 * (wasm/batch-norm.wat) on tfjs-backend-wasm's heap, 4 channels per SIMD
 * lane group; the per-channel arithmetic in between (C values) stays in
 * JavaScript. JavaScript loops over a [32, 64, 64, 16] map took ~40 ms
 * forward and ~50 ms backward per layer here (measured, bench/profile-step.mjs).
 */
interface BatchNormExports {
  sums(x: number, rows: number, c: number, acc: number): void;
  centredSquares(x: number, rows: number, c: number, mean: number, acc: number): void;
  normalize(
    x: number,
    rows: number,
    c: number,
    mean: number,
    gain: number,
    bias: number,
    y: number,
  ): void;
  gradSums(
    dy: number,
    x: number,
    rows: number,
    c: number,
    mean: number,
    accDy: number,
    accDyC: number,
  ): void;
  gradInput(
    dy: number,
    x: number,
    rows: number,
    c: number,
    mean: number,
    k: number,
    k1: number,
    k0: number,
    dx: number,
  ): void;
}

const bytes = { plain: batchNormWasmPlain, shared: batchNormWasmShared };

export function batchNormWasmFor(backend: WasmBackend): BatchNormExports | undefined {
  return heapModule<BatchNormExports>(backend.wasm as HeapOwner, bytes);
}

/** Views of a scratch tensor: f64 accumulators first (8-byte aligned by malloc), then f32 arrays. */
function scratch(backend: WasmBackend, t: TensorInfo, channels: number, f64s: number) {
  const buffer = backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer;
  const base = offsetOf(backend, t);
  const f64 = (i: number) => new Float64Array(buffer, base + i * 8 * channels, channels);
  const f32At = (i: number) => base + f64s * 8 * channels + i * 4 * channels;
  const f32 = (i: number) => new Float32Array(buffer, f32At(i), channels);
  return { f64, f32, f64At: (i: number) => base + i * 8 * channels, f32At };
}

const f32Of = (backend: WasmBackend, t: TensorInfo, n: number) =>
  new Float32Array(
    backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer,
    offsetOf(backend, t),
    n,
  );

/** Outputs y, mean, variance, invStd; see batchNormForward in batch-norm-math.ts. */
export function batchNormForwardWasm(
  bn: BatchNormExports,
  backend: WasmBackend,
  { x, weight, bias }: Record<'x' | 'weight' | 'bias', TensorInfo>,
  channels: number,
  a: FusedBatchNormAttrs,
): TensorInfo[] {
  const rows = x.shape.reduce((n, d) => n * d, 1) / channels;
  const outs = [x.shape, [channels], [channels], [channels]].map((shape) =>
    backend.makeOutput(shape, 'float32'),
  );
  // one f64 accumulator, then the gain (f32)
  const tmp = backend.makeOutput([3 * channels], 'float32');
  const [y, mean, variance, invStd] = outs as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  // Views after the last allocation (a growing heap replaces its buffer).
  const s = scratch(backend, tmp, channels, 1);
  const acc = s.f64(0);
  const meanV = f32Of(backend, mean, channels);
  acc.fill(0);
  bn.sums(offsetOf(backend, x), rows, channels, s.f64At(0));
  for (let c = 0; c < channels; c++) meanV[c] = acc[c]! / rows;
  acc.fill(0);
  bn.centredSquares(offsetOf(backend, x), rows, channels, offsetOf(backend, mean), s.f64At(0));
  const invStdV = f32Of(backend, invStd, channels);
  finishVariance(acc, rows, a.eps, f32Of(backend, variance, channels), invStdV);
  const gain = s.f32(0);
  const w = f32Of(backend, weight, channels);
  for (let c = 0; c < channels; c++) gain[c] = invStdV[c]! * a.scale * w[c]!;
  bn.normalize(
    offsetOf(backend, x),
    rows,
    channels,
    offsetOf(backend, mean),
    s.f32At(0),
    offsetOf(backend, bias),
    offsetOf(backend, y),
  );
  disposeAll(backend, tmp);
  return outs;
}

/** Outputs dx, dweight, dbias; see batchNormBackward in batch-norm-math.ts. */
export function batchNormBackwardWasm(
  bn: BatchNormExports,
  backend: WasmBackend,
  t: Record<'dy' | 'x' | 'weight' | 'mean' | 'invStd' | 'dMean' | 'dVar' | 'dInvStd', TensorInfo>,
  channels: number,
  a: FusedBatchNormAttrs,
): TensorInfo[] {
  const rows = t.x.shape.reduce((n, d) => n * d, 1) / channels;
  const outs = [t.x.shape, [channels], [channels]].map((shape) =>
    backend.makeOutput(shape, 'float32'),
  );
  // two f64 accumulators, then k, k1, k0 (f32)
  const tmp = backend.makeOutput([7 * channels], 'float32');
  const [dx, dWeight, dBias] = outs as [TensorInfo, TensorInfo, TensorInfo];
  const s = scratch(backend, tmp, channels, 2);
  const sumDy = s.f64(0);
  const sumDyCentred = s.f64(1);
  sumDy.fill(0);
  sumDyCentred.fill(0);
  const off = (x: TensorInfo) => offsetOf(backend, x);
  bn.gradSums(off(t.dy), off(t.x), rows, channels, off(t.mean), s.f64At(0), s.f64At(1));
  const view = (x: TensorInfo) => f32Of(backend, x, channels);
  gradCoefficients(
    {
      sumDy,
      sumDyCentred,
      weight: view(t.weight),
      invStd: view(t.invStd),
      dMean: view(t.dMean),
      dVar: view(t.dVar),
      dInvStd: view(t.dInvStd),
      rows,
      scale: a.scale,
    },
    { k: s.f32(0), k1: s.f32(1), k0: s.f32(2), dWeight: view(dWeight), dBias: view(dBias) },
  );
  bn.gradInput(
    off(t.dy),
    off(t.x),
    rows,
    channels,
    off(t.mean),
    s.f32At(0),
    s.f32At(1),
    s.f32At(2),
    off(dx),
  );
  disposeAll(backend, tmp);
  return outs;
}
