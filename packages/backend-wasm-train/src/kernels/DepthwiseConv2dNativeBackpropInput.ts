import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { depthwiseGeometry, forEachTap } from './depthwise-geometry.js';
import { f32View, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * dx of a depthwise convolution: dx[n,ih,iw,c] = Σ dy[n,oh,ow,c·m+q]·w[kh,kw,c,q]
 * over the taps that read (ih, iw). A direct scatter loop on the wasm heap:
 * depthwise layers do ~9 multiply-adds per element, so the pass is bound by
 * memory traffic, not arithmetic; it handles stride, dilation and any
 * channel multiplier in one place.
 */
export function depthwiseConv2dNativeBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const g = depthwiseGeometry(attrs.inputShape, filter.shape, attrs);
  const out = backend.makeOutput(attrs.inputShape, 'float32');
  const dx = f32View(backend, out);
  const y = f32View(backend, dy);
  const w = f32View(backend, filter);
  dx.fill(0);
  const c = g.channels;
  const m = g.multiplier;
  if (m === 1) {
    forEachTap(g, (xb, yb, fb) => {
      for (let ch = 0; ch < c; ch++) dx[xb + ch] = dx[xb + ch]! + y[yb + ch]! * w[fb + ch]!;
    });
  } else {
    forEachTap(g, (xb, yb, fb) => {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let q = 0; q < m; q++) sum += y[yb + ch * m + q]! * w[fb + ch * m + q]!;
        dx[xb + ch] = dx[xb + ch]! + sum;
      }
    });
  }
  return out;
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
