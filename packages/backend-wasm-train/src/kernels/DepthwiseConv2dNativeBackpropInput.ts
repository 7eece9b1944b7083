import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { type DepthwiseGeometry, depthwiseGeometry, forEachTap } from './depthwise-geometry.js';
import { disposeAll, f32View, runKernel, view, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * dx of a depthwise convolution: dx[n,ih,iw,c] = Σ dy[n,oh,ow,c·m+q]·w[kh,kw,c,q]
 * over the taps that read (ih, iw). With stride 1 (any dilation) that is a
 * depthwise convolution of dy with the spatially reversed filter, run by
 * XNNPACK (then a sum over the multiplier); strided layers use a direct
 * scatter loop on the wasm heap.
 */
export function depthwiseConv2dNativeBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const g = depthwiseGeometry(attrs.inputShape, filter.shape, attrs);
  if (g.sh === 1 && g.sw === 1) {
    const fast = reversedFilterConv(backend, dy, filter, g);
    if (fast) return fast;
  }
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

function reversedFilterConv(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  g: DepthwiseGeometry,
): TensorInfo | null {
  const top = (g.fh - 1) * g.dh - g.top;
  const left = (g.fw - 1) * g.dw - g.left;
  const bottom = g.inH - g.outH + g.top;
  const right = g.inW - g.outW + g.left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  const cm = g.channels * g.multiplier;
  // [fh, fw, C, m] → reversed taps as [fh, fw, C·m, 1] (the same channel order).
  const reversed = backend.makeOutput([g.fh, g.fw, cm, 1], 'float32');
  const src = f32View(backend, filter);
  const dst = f32View(backend, reversed);
  const taps = g.fh * g.fw;
  for (let t = 0; t < taps; t++)
    dst.set(src.subarray((taps - 1 - t) * cm, (taps - t) * cm), t * cm);
  const perTap = runKernel(
    'DepthwiseConv2dNative',
    { x: dy, filter: reversed },
    {
      strides: 1,
      dilations: [g.dh, g.dw],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    } as never,
    backend,
  );
  disposeAll(backend, reversed);
  if (g.multiplier === 1) return perTap;
  const summed = runKernel(
    'Sum',
    { x: view(perTap, [g.batch, g.inH, g.inW, g.channels, g.multiplier]) },
    { axis: [4], keepDims: false },
    backend,
  );
  disposeAll(backend, perTap);
  return summed;
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
