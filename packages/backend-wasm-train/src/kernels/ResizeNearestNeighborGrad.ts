import type {
  KernelConfig,
  KernelFunc,
  ResizeNearestNeighborGradAttrs,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  disposeAll,
  f32View,
  originalKernel,
  runKernel,
  WASM,
  type WasmBackend,
} from './wasm-backend.js';

/**
 * Upsampling by whole factors (the U-Net decoder's 2× nearest resize) sends
 * each output pixel to the input pixel whose f×f block contains it, with or
 * without half-pixel centres, so the gradient is a sum over f×f blocks:
 * XNNPACK average pooling times f². tfjs-wasm's kernel loops over every
 * (input, output) pair (32 ms against 3 for [32,64,64,32] → [32,32,32,32]);
 * other sizes and alignCorners still use it.
 */
export function resizeNearestNeighborGrad(args: {
  inputs: { images: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: ResizeNearestNeighborGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const [, inH, inW] = images.shape as [number, number, number, number];
  const [, outH, outW] = dy.shape as [number, number, number, number];
  const fh = outH / inH;
  const fw = outW / inW;
  const blocks =
    !attrs.alignCorners &&
    Number.isInteger(fh) &&
    Number.isInteger(fw) &&
    fh * fw > 1 &&
    dy.dtype === 'float32';
  if (!blocks) {
    const original = originalKernel('ResizeNearestNeighborGrad');
    if (!original)
      throw new Error('wasm ResizeNearestNeighborGrad: tfjs-backend-wasm kernel not found');
    return original(args as never) as TensorInfo;
  }
  const pooled = runKernel(
    'AvgPool',
    { x: dy },
    { filterSize: [fh, fw], strides: [fh, fw], pad: 'valid' },
    backend,
  );
  // Times f² on XNNPACK: a JavaScript loop over the heap took 10–45 ms for
  // 1M values inside a training step (measured), the kernel ~1 ms.
  const area = backend.makeOutput([], 'float32');
  f32View(backend, area)[0] = fh * fw;
  const sums = runKernel('Multiply', { a: pooled, b: area }, {}, backend);
  disposeAll(backend, pooled, area);
  if (sums.shape.every((d, i) => d === images.shape[i])) return sums;
  disposeAll(backend, sums);
  throw new Error(
    `wasm ResizeNearestNeighborGrad: pooled shape [${sums.shape}] ≠ [${images.shape}]`,
  );
}

export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: 'ResizeNearestNeighborGrad',
  backendName: WASM,
  kernelFunc: resizeNearestNeighborGrad as unknown as KernelFunc,
};
