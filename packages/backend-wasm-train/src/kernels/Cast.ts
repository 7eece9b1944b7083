import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { identity } from './Identity.js';
import { originalKernel, typedView, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * A cast to the dtype the tensor already has shares its memory, as Identity
 * does; tfjs-wasm 4.22 copies it. tf.moments casts its input to float32, so
 * every batch norm in training did a full copy of its feature map (and its
 * gradient another): 12 copies of [32, 64, 64, 16] per spiking U-Net step,
 * ~22 ms (measured, bench/profile-step.mjs). A cast to bool is x ≠ 0, as on
 * cpu (tfjs-wasm's stores the number's low byte: 254 for −2.2). Others:
 * tfjs-wasm's.
 */
export function cast(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: CastAttrs;
}): TensorInfo {
  const { x } = args.inputs;
  const { backend } = args;
  if (x.dtype === args.attrs.dtype) return identity({ inputs: { x }, backend });
  if (args.attrs.dtype === 'bool') {
    const out = backend.makeOutput(x.shape, 'bool');
    const from = typedView(backend, x);
    const to = typedView(backend, out);
    for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
    return out;
  }
  const original = originalKernel('Cast');
  if (!original) throw new Error('wasm Cast: tfjs-backend-wasm kernel not found');
  return original(args as never) as TensorInfo;
}

export const castConfig: KernelConfig = {
  kernelName: 'Cast',
  backendName: WASM,
  kernelFunc: cast as unknown as KernelFunc,
};
