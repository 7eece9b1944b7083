import { tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { offsetOf, originalKernel, WASM, type WasmBackend } from './wasm-backend.js';

/** Runs shorter than this are copied element by element; longer ones with one memmove. */
const MEMMOVE_MIN_BYTES = 256;

/**
 * Copies a slice straight from the input's heap memory. tfjs-backend-wasm
 * 4.22's Slice first copies the whole input out of the heap (readSync), so
 * taking one time step of a [T, N, H, W, C] tensor cost a copy of all T.
 * SplitV and Unpack are slices too and go through here.
 */
export function sliceInto(
  backend: WasmBackend,
  x: TensorInfo,
  begin: number[],
  size: number[],
): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  const bytes = tf.util.bytesPerElement(x.dtype);
  const rank = x.shape.length;
  const strides = [...tf.util.computeStrides(x.shape), 1];
  // The innermost axes taken whole merge with the first partial one into
  // contiguous runs; the outer axes enumerate the runs.
  let inner = rank - 1;
  let run = 1;
  while (inner >= 0 && size[inner] === x.shape[inner]) run *= size[inner--]!;
  if (inner < 0) {
    backend.wasm.HEAPU8.copyWithin(
      offsetOf(backend, out),
      offsetOf(backend, x),
      offsetOf(backend, x) + total * bytes,
    );
    return out;
  }
  run *= size[inner]!;
  const runBytes = run * bytes;
  const src0 = offsetOf(backend, x);
  let dst = offsetOf(backend, out);
  const heap = backend.wasm.HEAPU8;
  const idx = new Array<number>(inner).fill(0);
  const runs = total / run;
  // 4-byte dtypes move as int32 words (bit-exact for float32 too).
  const words = bytes === 4 ? new Int32Array(heap.buffer) : undefined;
  const runWords = runBytes >> 2;
  const copy =
    runBytes >= MEMMOVE_MIN_BYTES
      ? (from: number) => heap.copyWithin(dst, from, from + runBytes)
      : words
        ? (from: number) => {
            const s = from >> 2;
            const d = dst >> 2;
            for (let k = 0; k < runWords; k++) words[d + k] = words[s + k]!;
          }
        : (from: number) => {
            for (let k = 0; k < runBytes; k++) heap[dst + k] = heap[from + k]!;
          };
  for (let r = 0; r < runs; r++) {
    let el = begin[inner]! * strides[inner]!;
    for (let a = 0; a < inner; a++) el += (begin[a]! + idx[a]!) * strides[a]!;
    copy(src0 + el * bytes);
    dst += runBytes;
    for (let a = inner - 1; a >= 0; a--) {
      if (++idx[a]! < size[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

export function slice(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: SliceAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype === 'string') {
    const original = originalKernel('Slice');
    if (!original) throw new Error('wasm Slice: string tensors need the original kernel');
    return original(args as never) as TensorInfo;
  }
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
  tf.slice_util.assertParamsValid(x as tf.Tensor, begin!, size!);
  return sliceInto(backend, x, begin!, size!);
}

export const sliceConfig: KernelConfig = {
  kernelName: 'Slice',
  backendName: WASM,
  kernelFunc: slice as unknown as KernelFunc,
};
