import { definePlugin, type Metric, ShapeError, type tf } from '@spikedistill/core';
import { type Image8Options, image8Options, type Planes, toPlanes8 } from './image8.js';

const K1 = 0.01;
const K2 = 0.03;
const L = 255;
const WINDOW = 11;
const SIGMA = 1.5;

/** The normalised 1-D Gaussian whose outer product is Wang et al.'s 11×11 window. */
function gaussian1d(size: number, sigma: number): Float64Array {
  const g = new Float64Array(size);
  const half = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - half) ** 2) / (2 * sigma * sigma));
    sum += g[i]!;
  }
  for (let i = 0; i < size; i++) g[i]! /= sum;
  return g;
}

/**
 * 'valid' correlation with the separable window: the output covers only
 * positions where the whole window fits, as MATLAB's filter2(..., 'valid').
 */
function filterValid(
  src: Float64Array,
  width: number,
  height: number,
  g: Float64Array,
): Float64Array {
  const n = g.length;
  const ow = width - n + 1;
  const oh = height - n + 1;
  const rows = new Float64Array(height * ow);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[k]! * src[y * width + x + k]!;
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[k]! * rows[(y + k) * ow + x]!;
      out[y * ow + x] = s;
    }
  }
  return out;
}

/** Mean SSIM of one plane pair on the [0, 255] scale (Wang et al. 2004, no downsampling). */
export function ssimPlane(a: Float64Array, b: Float64Array, width: number, height: number): number {
  if (width < WINDOW || height < WINDOW) {
    throw new ShapeError('ssim', `images of at least ${WINDOW}×${WINDOW} pixels`, [height, width]);
  }
  const g = gaussian1d(WINDOW, SIGMA);
  const c1 = (K1 * L) ** 2;
  const c2 = (K2 * L) ** 2;
  const aa = new Float64Array(a.length);
  const bb = new Float64Array(a.length);
  const ab = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    aa[i] = a[i]! * a[i]!;
    bb[i] = b[i]! * b[i]!;
    ab[i] = a[i]! * b[i]!;
  }
  const mu1 = filterValid(a, width, height, g);
  const mu2 = filterValid(b, width, height, g);
  const s11 = filterValid(aa, width, height, g);
  const s22 = filterValid(bb, width, height, g);
  const s12 = filterValid(ab, width, height, g);
  let sum = 0;
  for (let i = 0; i < mu1.length; i++) {
    const m1 = mu1[i]!;
    const m2 = mu2[i]!;
    const v1 = s11[i]! - m1 * m1;
    const v2 = s22[i]! - m2 * m2;
    const cov = s12[i]! - m1 * m2;
    sum += ((2 * m1 * m2 + c1) * (2 * cov + c2)) / ((m1 * m1 + m2 * m2 + c1) * (v1 + v2 + c2));
  }
  return sum / mu1.length;
}

/** SSIM averaged over channels. */
export function ssimOfPlanes(a: Planes, b: Planes): number {
  let sum = 0;
  for (let k = 0; k < a.planes.length; k++) {
    sum += ssimPlane(a.planes[k]!, b.planes[k]!, a.width, a.height);
  }
  return sum / a.planes.length;
}

/** SSIM of images in [0, 1] after 8-bit quantisation. */
export function ssim8(
  prediction: tf.Tensor,
  target: tf.Tensor,
  options: Partial<Image8Options> = {},
): number {
  const o = image8Options.parse(options);
  const p = toPlanes8('ssim', prediction, target, o);
  return ssimOfPlanes(p.prediction, p.target);
}

export const ssimMetric = definePlugin({
  kind: 'metric',
  name: 'ssim',
  description:
    'SSIM (Wang et al. 2004: 11×11 Gaussian window σ=1.5, K1=0.01, K2=0.03, L=255, mean over the valid region) of images rounded and clipped to 8 bits; RGB averages the channels.',
  options: image8Options,
  create: (options): Metric => ({
    name: 'ssim',
    higherIsBetter: true,
    compute: (prediction, target) => {
      const p = toPlanes8('ssim', prediction, target, options);
      return ssimOfPlanes(p.prediction, p.target);
    },
  }),
});
