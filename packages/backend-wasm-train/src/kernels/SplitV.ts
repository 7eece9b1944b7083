import { tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { sliceInto } from './Slice.js';
import { disposeAll, runKernel, view, WASM, type WasmBackend } from './wasm-backend.js';

/** Runs shorter than this many bytes go through the transpose route. */
const SHORT_RUN_BYTES = 256;

/**
 * Each piece copied from the heap directly (tfjs-wasm's copied the whole
 * input per piece). Equal pieces of short runs (splitting channels, the
 * gradient of a skip-connection concat) first swap [outer, k, run] to
 * [k, outer, run] with the wasm Transpose, so each piece is one memmove.
 */
export function splitV(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: SplitVAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
  const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
  const run = tf.util.sizeFromShape(x.shape.slice(axis + 1)) * sizes[0]!;
  const equal = sizes.every((s) => s === sizes[0]);
  if (
    equal &&
    sizes.length > 1 &&
    outer > 1 &&
    x.dtype === 'float32' &&
    run * 4 < SHORT_RUN_BYTES
  ) {
    const k = sizes.length;
    const grouped = runKernel(
      'Transpose',
      { x: view(x, [outer, k, run]) },
      { perm: [1, 0, 2] },
      backend,
    );
    const pieceShape = [...x.shape];
    pieceShape[axis] = sizes[0]!;
    const pieces = sizes.map((_, i) => ({
      ...sliceInto(backend, grouped, [i, 0, 0], [1, outer, run]),
      shape: pieceShape,
    }));
    disposeAll(backend, grouped);
    return pieces;
  }
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const piece = sliceInto(backend, x, [...begin], size);
    begin[axis]! += s;
    return piece;
  });
}

export const splitVConfig: KernelConfig = {
  kernelName: 'SplitV',
  backendName: WASM,
  kernelFunc: splitV as unknown as KernelFunc,
};
