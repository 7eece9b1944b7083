import { tf } from '@spikedistill/core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { disposeAll, runKernel, view, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + kh·d − pad, …, ci] · dy[n,oh,ow,co]
 * is itself a convolution once batch and channels swap roles: the input is x
 * as [Ci, H, W, N] (Ci images of N channels), the "filter" is dy as
 * [Ho, Wo, N, Co], the forward stride becomes the dilation and the forward
 * dilation the stride. That runs on XNNPACK's convolution (the wasm Conv2D
 * kernel) at forward-pass speed instead of a scalar loop.
 */
export function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(
      `wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only, got '${dataFormat}'`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    attrs.dilations ?? 1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  // Rows of x the forward pass never read (valid padding with a stride that
  // does not divide evenly) would need negative bottom padding: the swapped
  // convolution runs over an input cut to the rows it reads.
  const usedH = Math.min(h, (ho - 1) * sh + (fh - 1) * dh + 1 - top);
  const usedW = Math.min(w, (wo - 1) * sw + (fw - 1) * dw + 1 - left);
  const bottom = (fh - 1) * dh + (ho - 1) * sh + 1 - top - usedH;
  const right = (fw - 1) * dw + (wo - 1) * sw + 1 - left - usedW;

  const temps: TensorInfo[] = [];
  // x → [Ci, H, W, N]; with N = 1 (and Ci = 1) that is a reshape, not a copy.
  let xT: TensorInfo;
  if (n === 1 && ci === 1) xT = view(x, [1, h, w, 1]);
  else {
    xT = runKernel('Transpose', { x }, { perm: [3, 1, 2, 0] }, backend);
    temps.push(xT);
  }
  if (usedH < h || usedW < w) {
    const cut = runKernel(
      'Slice',
      { x: xT },
      { begin: [0, 0, 0, 0], size: [ci, usedH, usedW, n] },
      backend,
    );
    temps.push(cut);
    xT = cut;
  }
  // dy → [Ho, Wo, N, Co]; with N = 1 the memory already has that layout.
  let dyT: TensorInfo;
  if (n === 1) dyT = view(dy, [ho, wo, 1, co]);
  else {
    dyT = runKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend);
    temps.push(dyT);
  }
  const out = runKernel(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [dh, dw],
      dilations: [sh, sw],
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
  temps.push(out);
  // [Ci, fh, fw, Co] → [fh, fw, Ci, Co]
  const dW =
    ci === 1
      ? runKernel('Reshape', { x: out }, { shape: [fh, fw, ci, co] }, backend)
      : runKernel('Transpose', { x: out }, { perm: [1, 2, 0, 3] }, backend);
  disposeAll(backend, ...temps);
  return dW;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
