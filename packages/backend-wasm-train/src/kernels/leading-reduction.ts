import { tf } from '@spikedistill/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { disposeAll, f32View, runKernel, view, type WasmBackend } from './wasm-backend.js';

/**
 * Mean or sum of float32 `x` over a contiguous run of axes that stops before
 * the last axis (per-channel statistics: batch norm, bias gradients), as
 * XNNPACK average pooling over x seen as [outer, reduced, 1, inner]: 0.2 ms
 * where tfjs-wasm's Sum/Mean transpose the input first (3 ms for 1M floats).
 * Returns null for the reductions the original kernels already do well
 * (over the last axis) or cannot be pooled.
 */
export function poolReduce(
  backend: WasmBackend,
  x: TensorInfo,
  axis: number | number[],
  keepDims: boolean,
  kind: 'mean' | 'sum',
): TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length || last === rank - 1) return null;
  const outer = tf.util.sizeFromShape(x.shape.slice(0, first));
  const reduced = tf.util.sizeFromShape(x.shape.slice(first, last + 1));
  const inner = tf.util.sizeFromShape(x.shape.slice(last + 1));
  // XNNPACK rejects 1×1 pooling; empty tensors go to the original kernels.
  if (reduced < 2 || outer * inner === 0) return null;
  const pooled = runKernel(
    'AvgPool',
    { x: view(x, [outer, reduced, 1, inner]) },
    { filterSize: [reduced, 1], strides: [reduced, 1], pad: 'valid' },
    backend,
  );
  if (kind === 'sum') {
    const values = f32View(backend, pooled);
    for (let i = 0; i < values.length; i++) values[i] = values[i]! * reduced;
  }
  const shape = keepDims
    ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
    : x.shape.filter((_, i) => i < first || i > last);
  const out = runKernel('Reshape', { x: pooled }, { shape }, backend);
  disposeAll(backend, pooled);
  return out;
}
