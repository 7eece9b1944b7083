import { tf } from '@spikedistill/core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { runNativeConvPass } from '../native/native-conv.js';
import { thinFilterGrad } from './thin-filter-grad.js';
import {
  alias,
  disposeAll,
  f32View,
  releaseAlias,
  runKernel,
  view,
  WASM,
  type WasmBackend,
} from './wasm-backend.js';

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s + kh·d − pad, …, ci] · dy[n,oh,ow,co],
 * always on XNNPACK. Stride 1: per-(image, tap) GEMMs (filterGradStride1),
 * or for a single-channel side one im2col GEMM (thinFilterGrad). Strided:
 * the sum is itself a convolution once batch and channels swap roles: the
 * input is x as [Ci, H, W, N] (Ci images of N channels), the "filter" is dy
 * as [Ho, Wo, N, Co], the forward stride becomes the dilation and the
 * forward dilation the stride.
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
  const native = runNativeConvPass('filterGrad', backend, info, [x, dy], filterShape);
  if (native) return native;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: ho, outWidth: wo, filterHeight: fh, filterWidth: fw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  if (sh === 1 && sw === 1) {
    const thin = thinFilterGrad(
      backend,
      x,
      dy,
      { n, h, w, ho, wo, pad: info.padInfo, dilation: [dh, dw] },
      [fh, fw, ci, co],
    );
    if (thin) return thin;
    return filterGradStride1(backend, x, dy, info.padInfo, [fh, fw, ci, co], [dh, dw]);
  }
  // Strided layers: a space-to-depth rewrite onto the GEMM path measured no
  // faster (its two extra transposes cost what the GEMMs save).
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

/**
 * Stride 1 as one small GEMM per (image, tap): dW[tap] += X_tap · dY, where
 * dY is the image's dy [G, Co] on a padded grid G = Gh·Gw and X_tap [Ci, G]
 * is the image's channel-major x on the same grid, read from an offset of
 * kh·d·Gw + kw·d elements. Row reads that run past a row or image only meet
 * the zero rows/columns of the padded dy, so no im2col copy is needed. Each
 * image's dY is packed once by XNNPACK and stays in cache for its nine
 * GEMMs; this beats the swapped convolution, whose inner dimension is the
 * batch size.
 */
function filterGradStride1(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  pad: { top: number; bottom: number; left: number; right: number },
  [fh, fw, ci, co]: [number, number, number, number],
  [dh, dw]: [number, number],
): TensorInfo {
  const [n, h, w] = x.shape as [number, number, number, number];
  const grid = { gh: h + pad.top + pad.bottom, gw: w + pad.left + pad.right };
  // With a thread pool every XNNPACK call pays a fork/join, so fewer, larger
  // GEMMs win: one per tap over the whole batch (x as [Ci, N, grid], K = N·G).
  const wholeBatch = (backend.wasm.tfjs.getThreadsCount?.() ?? 1) > 1;
  const xChannelMajor = runKernel(
    'Transpose',
    { x },
    { perm: wholeBatch ? [3, 0, 1, 2] : [0, 3, 1, 2] },
    backend,
  );
  // One extra zero image (or channel) at the end: the last rows' reads past
  // the end land there.
  const xGrid = runKernel(
    'PadV2',
    { x: xChannelMajor },
    {
      paddings: [
        [0, 1],
        [0, 0],
        [pad.top, pad.bottom],
        [pad.left, pad.right],
      ],
      constantValue: 0,
    },
    backend,
  );
  disposeAll(backend, xChannelMajor);
  const sum = gridGemms(
    backend,
    xGrid,
    dy,
    { ...grid, group: wholeBatch ? n : 1 },
    [fh, fw, ci, co],
    [dh, dw],
  );
  disposeAll(backend, xGrid);
  const out = backend.makeOutput([fh, fw, ci, co], 'float32');
  f32View(backend, out).set(sum);
  return out;
}

/**
 * Σ over images and grid cells of x[c, cell + offset(tap)] · dy[cell, co]
 * for every tap, as [taps, C, Co] in float64, one GEMM per group of images
 * and tap. xGrid is channel-major and zero-padded with one zero slab of
 * margin at the end: [N+1, C, gh, gw] for groups of one image, [C+1, N, gh, gw]
 * for one group of all N; dy is embedded at the top-left of each image's grid.
 */
function gridGemms(
  backend: WasmBackend,
  xGrid: TensorInfo,
  dy: TensorInfo,
  { gh, gw, group }: { gh: number; gw: number; group: number },
  [fh, fw, ci, co]: [number, number, number, number],
  [dh, dw]: [number, number],
): Float64Array {
  const [n, ho, wo] = dy.shape as [number, number, number, number];
  const g = gh * gw;
  const k = group * g;
  const dyGrid = runKernel(
    'PadV2',
    { x: dy },
    {
      paddings: [
        [0, 0],
        [0, gh - ho],
        [0, gw - wo],
        [0, 0],
      ],
      constantValue: 0,
    },
    backend,
  );
  const sum = new Float64Array(fh * fw * ci * co);
  for (let b = 0; b < n / group; b++) {
    const dyImages = alias(backend, dyGrid, b * k * co, [1, k, co]);
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        const xTap = alias(backend, xGrid, b * ci * k + kh * dh * gw + kw * dw, [1, ci, k]);
        const part = runKernel(
          'BatchMatMul',
          { a: xTap, b: dyImages },
          { transposeA: false, transposeB: false },
          backend,
        );
        releaseAlias(backend, xTap);
        const values = f32View(backend, part);
        const base = (kh * fw + kw) * ci * co;
        for (let i = 0; i < values.length; i++) sum[base + i]! += values[i]!;
        disposeAll(backend, part);
      }
    }
    releaseAlias(backend, dyImages);
  }
  disposeAll(backend, dyGrid);
  return sum;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
