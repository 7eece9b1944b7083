import type { KernelConfig, KernelFunc, MeanAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { poolReduce } from './leading-reduction.js';
import { originalKernel, WASM, type WasmBackend } from './wasm-backend.js';

/** Means over leading axes by average pooling (see poolReduce); the rest by tfjs-wasm's kernel. */
export function mean(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: MeanAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const fast = poolReduce(backend, inputs.x, attrs.axis, attrs.keepDims, 'mean');
  if (fast) return fast;
  const original = originalKernel('Mean');
  if (!original) throw new Error('wasm Mean: tfjs-backend-wasm kernel not found');
  return original(args as never) as TensorInfo;
}

export const meanConfig: KernelConfig = {
  kernelName: 'Mean',
  backendName: WASM,
  kernelFunc: mean as unknown as KernelFunc,
};
