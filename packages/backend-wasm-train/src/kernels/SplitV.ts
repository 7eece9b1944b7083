import { tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { sliceInto } from './Slice.js';
import { WASM, type WasmBackend } from './wasm-backend.js';

/** Each piece copied from the heap directly (tfjs-wasm's copied the whole input per piece). */
export function splitV(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: SplitVAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
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
