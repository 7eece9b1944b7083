import type { TensorInfo } from '@tensorflow/tfjs-core';
import { disposeAll, f32View, runKernel, view, type WasmBackend } from './wasm-backend.js';

/**
 * Channel counts up to this make a side "thin" (grayscale in/out layers).
 * Measured at 8×64²×32, 3×3: with 1 channel this path takes 6.4 ms against
 * 7.3 (input) and 13.7 (output) for the per-tap GEMMs; with 3 channels it
 * is slower (11–13 ms against 8.6), so RGB layers keep the GEMMs.
 */
export const THIN_CHANNELS = 1;

/**
 * A filter [fh, fw, c, taps·c] that copies tap t of channel ci to output
 * channel t·c + ci: a convolution with it is im2col. With `reversed`, tap t
 * sits at the mirrored filter position (im2col of the transposed conv).
 */
function oneHotTaps(
  backend: WasmBackend,
  fh: number,
  fw: number,
  c: number,
  reversed: boolean,
): TensorInfo {
  const taps = fh * fw;
  const out = backend.makeOutput([fh, fw, c, taps * c], 'float32');
  const f = f32View(backend, out);
  f.fill(0);
  for (let pos = 0; pos < taps; pos++) {
    const t = reversed ? taps - 1 - pos : pos;
    for (let ci = 0; ci < c; ci++) f[(pos * c + ci) * taps * c + t * c + ci] = 1;
  }
  return out;
}

interface Geometry {
  n: number;
  h: number;
  w: number;
  ho: number;
  wo: number;
  pad: { top: number; bottom: number; left: number; right: number };
  dilation: [number, number];
}

/**
 * Stride-1 filter gradient when the input or the output has a single
 * channel (the first and last layers of a grayscale network). The per-tap
 * GEMMs would have one row or column there and crawl; instead the thin
 * side is unrolled by a convolution with a one-hot filter (a few output
 * channels, cheap on XNNPACK) and dW is one GEMM against the other side.
 */
export function thinFilterGrad(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  g: Geometry,
  [fh, fw, ci, co]: [number, number, number, number],
): TensorInfo | null {
  const taps = fh * fw;
  const [dh, dw] = g.dilation;
  if (ci <= THIN_CHANNELS) {
    // cols[p, (t, ci)] = x at output pixel p's tap t: dWᵀ [Co, taps·Ci] = dyᵀ · cols.
    const ones = oneHotTaps(backend, fh, fw, ci, false);
    const cols = runKernel(
      'Conv2D',
      { x, filter: ones },
      {
        strides: 1,
        dilations: [dh, dw],
        pad: [
          [0, 0],
          [g.pad.top, g.pad.bottom],
          [g.pad.left, g.pad.right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
      backend,
    );
    const p = g.n * g.ho * g.wo;
    const dyT = runKernel('Transpose', { x: view(dy, [p, co]) }, { perm: [1, 0] }, backend);
    const product = runKernel(
      'BatchMatMul',
      { a: view(dyT, [1, co, p]), b: view(cols, [1, p, taps * ci]) },
      { transposeA: false, transposeB: false },
      backend,
    );
    const dW = runKernel(
      'Transpose',
      { x: view(product, [co, taps * ci]) },
      { perm: [1, 0] },
      backend,
    );
    disposeAll(backend, ones, cols, dyT, product);
    return { ...dW, shape: [fh, fw, ci, co] };
  }
  if (co <= THIN_CHANNELS) {
    // cols[q, (t, co)] = dy of the output pixel that reads input pixel q through
    // tap t (a transposed-conv im2col): dW [Ci, taps·Co] = xᵀ · cols.
    const top = (fh - 1) * dh - g.pad.top;
    const left = (fw - 1) * dw - g.pad.left;
    const bottom = g.h - g.ho + g.pad.top;
    const right = g.w - g.wo + g.pad.left;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
    const ones = oneHotTaps(backend, fh, fw, co, true);
    const cols = runKernel(
      'Conv2D',
      { x: dy, filter: ones },
      {
        strides: 1,
        dilations: [dh, dw],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
      backend,
    );
    const q = g.n * g.h * g.w;
    const xT = runKernel('Transpose', { x: view(x, [q, ci]) }, { perm: [1, 0] }, backend);
    const product = runKernel(
      'BatchMatMul',
      { a: view(xT, [1, ci, q]), b: view(cols, [1, q, taps * co]) },
      { transposeA: false, transposeB: false },
      backend,
    );
    const dW = runKernel(
      'Transpose',
      { x: view(product, [ci, taps, co]) },
      { perm: [1, 0, 2] },
      backend,
    );
    disposeAll(backend, ones, cols, xT, product);
    return { ...dW, shape: [fh, fw, ci, co] };
  }
  return null;
}
