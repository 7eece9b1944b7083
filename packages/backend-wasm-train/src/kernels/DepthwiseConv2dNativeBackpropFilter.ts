import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { depthwiseGeometry, forEachTap } from './depthwise-geometry.js';
import { f32View, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * dW of a depthwise convolution: dW[kh,kw,c,q] = Σ x[n,ih,iw,c]·dy[n,oh,ow,c·m+q].
 * Accumulated in float64 (the filter is small), so long sums over
 * batch × pixels lose no more precision than the cpu backend's.
 */
export function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const g = depthwiseGeometry(x.shape, attrs.filterShape, attrs);
  const acc = new Float64Array(g.fh * g.fw * g.channels * g.multiplier);
  const xs = f32View(backend, x);
  const y = f32View(backend, dy);
  const c = g.channels;
  const m = g.multiplier;
  if (m === 1) {
    forEachTap(g, (xb, yb, fb) => {
      for (let ch = 0; ch < c; ch++) acc[fb + ch] = acc[fb + ch]! + xs[xb + ch]! * y[yb + ch]!;
    });
  } else {
    forEachTap(g, (xb, yb, fb) => {
      for (let ch = 0; ch < c; ch++) {
        const v = xs[xb + ch]!;
        for (let q = 0; q < m; q++) {
          const k = fb + ch * m + q;
          acc[k] = acc[k]! + v * y[yb + ch * m + q]!;
        }
      }
    });
  }
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  f32View(backend, out).set(acc);
  return out;
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
