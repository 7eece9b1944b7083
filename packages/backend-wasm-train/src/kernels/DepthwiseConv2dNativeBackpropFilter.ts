import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { type DepthwiseGeometry, depthwiseGeometry, forEachTap } from './depthwise-geometry.js';
import { disposeAll, f32View, runKernel, view, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * dW of a depthwise convolution: dW[kh,kw,c,q] = Σ x[n,ih,iw,c]·dy[n,oh,ow,c·m+q].
 * With stride 1 it is itself a depthwise convolution, run by XNNPACK: x as
 * one image of N·C channels, dy as an [Ho, Wo, N·C, m] filter, the forward
 * dilation as stride; then a sum over the batch. Strided layers use a loop
 * on the heap, accumulated in float64 (the filter is small).
 */
export function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const g = depthwiseGeometry(x.shape, attrs.filterShape, attrs);
  if (g.sh === 1 && g.sw === 1) {
    const fast = swappedDepthwiseConv(backend, x, dy, g);
    if (fast) return fast;
  }
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

function swappedDepthwiseConv(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  g: DepthwiseGeometry,
): TensorInfo | null {
  const bottom = (g.fh - 1) * g.dh + g.outH - g.inH - g.top;
  const right = (g.fw - 1) * g.dw + g.outW - g.inW - g.left;
  if (bottom < 0 || right < 0) return null;
  const nc = g.batch * g.channels;
  const cm = g.channels * g.multiplier;
  const image = runKernel('Transpose', { x }, { perm: [1, 2, 0, 3] }, backend);
  const kernel = runKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend);
  const perImage = runKernel(
    'DepthwiseConv2dNative',
    {
      x: view(image, [1, g.inH, g.inW, nc]),
      filter: view(kernel, [g.outH, g.outW, nc, g.multiplier]),
    },
    {
      strides: [g.dh, g.dw],
      dilations: 1,
      pad: [
        [0, 0],
        [g.top, bottom],
        [g.left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    } as never,
    backend,
  );
  disposeAll(backend, image, kernel);
  // [1, fh, fw, (n, c, q)] → sum over n
  const summed = runKernel(
    'Sum',
    { x: view(perImage, [g.fh * g.fw, g.batch, cm]) },
    { axis: [1], keepDims: false },
    backend,
  );
  disposeAll(backend, perImage);
  return { ...summed, shape: [g.fh, g.fw, g.channels, g.multiplier] };
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
