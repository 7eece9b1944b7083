import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { poolReduce } from './leading-reduction.js';
import { originalKernel, WASM, type WasmBackend } from './wasm-backend.js';

/** Sums over leading axes by average pooling (see poolReduce); the rest by tfjs-wasm's kernel. */
export function sum(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: SumAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const fast = poolReduce(backend, inputs.x, attrs.axis, attrs.keepDims, 'sum');
  if (fast) return fast;
  const original = originalKernel('Sum');
  if (!original) throw new Error('wasm Sum: tfjs-backend-wasm kernel not found');
  return original(args as never) as TensorInfo;
}

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: WASM,
  kernelFunc: sum as unknown as KernelFunc,
};
