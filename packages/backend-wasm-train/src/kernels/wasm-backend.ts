import { tf } from '@spikedistill/core';
import type {
  DataType,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` the kernels use. The class is
 * not exported as a type we can depend on without importing the package, and
 * these members have been stable across 3.x–4.x.
 */
export interface WasmBackend {
  wasm: {
    HEAPU8: Uint8Array;
    HEAPF32: Float32Array;
    HEAP32: Int32Array;
    /** The module's memory (threaded build): its `buffer` is always the current one. */
    wasmMemory?: { buffer: ArrayBufferLike };
    tfjs: { disposeData(id: number): void; getThreadsCount?(): number };
  };
  dataIdMap: {
    get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: DataType };
    delete(dataId: object): boolean;
  };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

export const WASM = 'wasm';

/**
 * A Float32Array view of a tensor on the wasm heap (no copy). Take it after
 * the last allocation: growing the heap detaches earlier views.
 */
export function f32View(backend: WasmBackend, t: TensorInfo): Float32Array {
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  // The threaded build's heap is a SharedArrayBuffer whose HEAP* views are
  // refreshed lazily; the memory object always has the current buffer.
  const buffer = backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer;
  return new Float32Array(buffer, memoryOffset, tf.util.sizeFromShape(t.shape));
}

/** A view of a float32, int32 or bool tensor on the heap, in its own element type (no copy). */
export function typedView(
  backend: WasmBackend,
  t: TensorInfo,
): Float32Array | Int32Array | Uint8Array {
  const { memoryOffset } = backend.dataIdMap.get(t.dataId);
  const buffer = backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer;
  const size = tf.util.sizeFromShape(t.shape);
  if (t.dtype === 'float32') return new Float32Array(buffer, memoryOffset, size);
  if (t.dtype === 'int32') return new Int32Array(buffer, memoryOffset, size);
  if (t.dtype === 'bool') return new Uint8Array(buffer, memoryOffset, size);
  throw new Error(`no heap view for dtype ${t.dtype}`);
}

/** Byte offset of a tensor's data on the heap. */
export function offsetOf(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * Kernels are looked up when called rather than imported from the wasm
 * package, so a kernel we replace (or that another package replaces) is the
 * one used, and this package needs no direct dependency on tfjs-backend-wasm.
 */
export function runKernel(
  name: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
  backend: WasmBackend,
): TensorInfo {
  const config = tf.getKernel(name, WASM);
  if (!config) throw new Error(`wasm kernel '${name}' is not registered`);
  const out = config.kernelFunc({ inputs, attrs, backend: backend as never });
  return (Array.isArray(out) ? out[0] : out) as TensorInfo;
}

/** The same data seen with another shape: no copy, no refcount, never to be disposed. */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

export function disposeAll(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

const originals = new Map<string, KernelFunc>();

/** tfjs-backend-wasm's own kernel that one of ours replaced, for arguments ours does not cover. */
export function originalKernel(name: string): KernelFunc | undefined {
  return originals.get(name);
}

/** Called by installKernelConfigs (register-all.ts) before it replaces a kernel. */
export function keepOriginalKernel(name: string, kernel: KernelFunc): void {
  if (!originals.has(name)) originals.set(name, kernel);
}

/**
 * A float32 tensor that aliases `base`'s memory from element `offset` on: the
 * C++ kernels read it by id like any tensor, but nothing is copied. Only for
 * use inside one kernel call; release it with `releaseAlias` (never
 * disposeData, which would free the base's memory).
 */
export function alias(
  backend: WasmBackend,
  base: TensorInfo,
  offset: number,
  shape: number[],
): TensorInfo {
  return backend.makeOutput(shape, 'float32', offsetOf(backend, base) + offset * 4);
}

/** Unregisters an alias (and any XNNPACK operator cached on its id) without freeing memory. */
export function releaseAlias(backend: WasmBackend, t: TensorInfo): void {
  backend.wasm.tfjs.disposeData(backend.dataIdMap.get(t.dataId).id);
  backend.dataIdMap.delete(t.dataId);
}
