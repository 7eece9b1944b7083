import { tf } from '@spikedistill/core';
import type {
  KernelConfig,
  KernelFunc,
  TensorInfo,
  UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { offsetOf, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * out[id] += x[i] for every i with segmentIds[i] = id (ids outside
 * [0, numSegments) are dropped, as in TensorFlow). The gradient of tf.gather
 * (embeddings, index-based pooling) needs it; tfjs-backend-wasm has none.
 */
export function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: WasmBackend;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`wasm UnsortedSegmentSum: dtype ${x.dtype} is not supported (float32, int32)`);
  }
  const idRank = segmentIds.shape.length;
  const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
  const count = tf.util.sizeFromShape(segmentIds.shape);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
  const buffer = backend.wasm.HEAPU8.buffer as ArrayBuffer;
  const View = x.dtype === 'float32' ? Float32Array : Int32Array;
  const src = new View(buffer, offsetOf(backend, x), count * inner);
  const dst = new View(buffer, offsetOf(backend, out), numSegments * inner);
  const ids = new Int32Array(buffer, offsetOf(backend, segmentIds), count);
  dst.fill(0);
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numSegments) continue;
    const s = i * inner;
    const d = id * inner;
    for (let k = 0; k < inner; k++) dst[d + k] = dst[d + k]! + src[s + k]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: WASM,
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
