import { ShapeError, SpikedistillError, tf } from '@spikedistill/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { f32View, type WasmBackend } from '../kernels/wasm-backend.js';

/**
 * Runs `fn` on Float32Array views of the inputs and of freshly allocated
 * outputs, for the two backends the fused kernels support, and returns the
 * outputs. On wasm the views alias the heap (no copies); they are taken after
 * every allocation, since growing the heap replaces its buffer.
 */
export type BufferKernel = (inputs: Float32Array[], outputs: Float32Array[]) => void;

interface WasmLike {
  wasm: object;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

interface CpuLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function requireFloat32(kernel: string, name: string, t: TensorInfo): void {
  if (t.dtype !== 'float32') {
    throw new SpikedistillError(
      'E_SHAPE',
      `${kernel}: input '${name}' must be float32, got ${t.dtype} (cast it with tf.cast(x, 'float32'))`,
    );
  }
}

/**
 * The wasm side with the module's own loops: `fn` gets the byte offsets of the
 * inputs and of freshly allocated outputs on the heap, and the emscripten
 * module that owns it.
 */
export function runOnWasmHeap(
  kernel: string,
  backend: unknown,
  inputs: readonly (readonly [string, TensorInfo])[],
  outShapes: number[][],
  fn: (inputs: number[], outputs: number[], module: object) => void,
): TensorInfo[] {
  const b = backend as WasmLike;
  for (const [name, t] of inputs) requireFloat32(kernel, name, t);
  const outs = outShapes.map((shape) => b.makeOutput(shape, 'float32'));
  const offset = (t: TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset;
  fn(
    inputs.map(([, t]) => offset(t)),
    outs.map(offset),
    b.wasm,
  );
  return outs;
}

export function runOnWasm(
  kernel: string,
  backend: unknown,
  inputs: readonly (readonly [string, TensorInfo])[],
  outShapes: number[][],
  fn: BufferKernel,
): TensorInfo[] {
  const b = backend as WasmBackend;
  for (const [name, t] of inputs) requireFloat32(kernel, name, t);
  const outs = outShapes.map((shape) => b.makeOutput(shape, 'float32'));
  const view = (t: TensorInfo) => f32View(b, t);
  fn(
    inputs.map(([, t]) => view(t)),
    outs.map(view),
  );
  return outs;
}

export function runOnCpu(
  kernel: string,
  backend: unknown,
  inputs: readonly (readonly [string, TensorInfo])[],
  outShapes: number[][],
  fn: BufferKernel,
): TensorInfo[] {
  const b = backend as CpuLike;
  for (const [name, t] of inputs) requireFloat32(kernel, name, t);
  const ins = inputs.map(([, t]) => b.data.get(t.dataId).values as Float32Array);
  const outs = outShapes.map((shape) => new Float32Array(tf.util.sizeFromShape(shape)));
  fn(ins, outs);
  return outs.map((values, i) => b.makeTensorInfo(outShapes[i]!, 'float32', values));
}

/** Checks x is [T, ...S] for the neuron shape S of `state` (v0, or dV in the gradient). */
export function checkTimeMajor(kernel: string, x: TensorInfo, state: TensorInfo): void {
  const s = state.shape;
  const ok = x.shape.length === s.length + 1 && s.every((d, i) => d === x.shape[i + 1]);
  if (!ok)
    throw new ShapeError(`${kernel} x`, `[T, ${s.join(', ')}] (v0 is [${s.join(', ')}])`, x.shape);
}
