import type { KernelConfig, KernelFunc, TensorInfo, UnpackAttrs } from '@tensorflow/tfjs-core';
import { sliceInto } from './Slice.js';
import { WASM, type WasmBackend } from './wasm-backend.js';

/** tf.unstack: one slice per index along `axis`, each read straight from the heap. */
export function unpack(args: {
  inputs: { value: TensorInfo };
  backend: WasmBackend;
  attrs: UnpackAttrs;
}): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { value } = inputs;
  const rank = value.shape.length;
  const axis = attrs.axis < 0 ? attrs.axis + rank : attrs.axis;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = [...value.shape];
  size[axis] = 1;
  const outs: TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]!; i++) {
    begin[axis] = i;
    const piece = sliceInto(backend, value, begin, size);
    outs.push({ ...piece, shape: outShape });
  }
  return outs;
}

export const unpackConfig: KernelConfig = {
  kernelName: 'Unpack',
  backendName: WASM,
  kernelFunc: unpack as unknown as KernelFunc,
};
