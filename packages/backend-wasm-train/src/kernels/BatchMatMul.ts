import { tf } from '@spikedistill/core';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  alias,
  disposeAll,
  offsetOf,
  originalKernel,
  releaseAlias,
  runKernel,
  view,
  WASM,
  type WasmBackend,
} from './wasm-backend.js';

/**
 * tfjs-backend-wasm 4.22 sends a matmul to XNNPACK only when neither side
 * is transposed and both have batch 1; everything else (every matmul
 * gradient, batched attention products) runs a scalar triple loop. Here
 * transposed operands are transposed once, a batched A against one B folds
 * its batch into rows, and a batched B runs one XNNPACK GEMM per batch item
 * on views of the operands: all on the fast path.
 */
export function batchMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: WasmBackend;
  attrs: BatchMatMulAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  const original = originalKernel('BatchMatMul');
  if (!original) throw new Error('wasm BatchMatMul: tfjs-backend-wasm kernel not found');
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    k !== kB ||
    (batchA !== batchB && batchA !== 1 && batchB !== 1) ||
    m * n * k === 0
  ) {
    return original(args as never) as TensorInfo; // its own errors and edge cases
  }
  const outShape = tf.broadcast_util
    .assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
    .concat([m, n]);
  const plain = { transposeA: false, transposeB: false };
  const temps: TensorInfo[] = [];
  const untransposed = (
    t: TensorInfo,
    batch: number,
    rows: number,
    cols: number,
    flip: boolean,
  ) => {
    if (!flip) return view(t, [batch, rows, cols]);
    const out = runKernel(
      'Transpose',
      { x: view(t, [batch, cols, rows]) },
      { perm: [0, 2, 1] },
      backend,
    );
    temps.push(out);
    return out;
  };
  const a3 = untransposed(a, batchA, m, k, transposeA);
  const b3 = untransposed(b, batchB, k, n, transposeB);

  if (batchB === 1) {
    const out = original({
      inputs: { a: view(a3, [1, batchA * m, k]), b: view(b3, [1, k, n]) },
      backend,
      attrs: plain,
    } as never) as TensorInfo;
    disposeAll(backend, ...temps);
    return { ...out, shape: outShape };
  }

  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([batch, m, n], 'float32');
  for (let i = 0; i < batch; i++) {
    const ai = alias(backend, a3, (batchA === 1 ? 0 : i) * m * k, [1, m, k]);
    const bi = alias(backend, b3, i * k * n, [1, k, n]);
    const part = original({
      inputs: { a: ai, b: bi },
      backend,
      attrs: plain,
    } as never) as TensorInfo;
    const from = offsetOf(backend, part);
    backend.wasm.HEAPU8.copyWithin(offsetOf(backend, out) + i * m * n * 4, from, from + m * n * 4);
    releaseAlias(backend, ai);
    releaseAlias(backend, bi);
    disposeAll(backend, part);
  }
  disposeAll(backend, ...temps);
  return { ...out, shape: outShape };
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: WASM,
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
