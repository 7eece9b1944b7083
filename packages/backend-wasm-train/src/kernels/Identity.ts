import type { IdentityInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { WASM, type WasmBackend } from './wasm-backend.js';

/**
 * Shares the input's memory (one more reference) instead of copying it, as
 * the cpu backend and wasm's own Reshape do: tensors are immutable, so a
 * copy buys nothing. tfjs-wasm 4.22 copies, ~70 times per DnCNN training
 * step (gradient bookkeeping, clones), a full feature map each.
 */
export function identity(args: { inputs: IdentityInputs; backend: WasmBackend }): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: WASM,
  kernelFunc: identity as unknown as KernelFunc,
};
