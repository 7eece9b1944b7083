import type { Image } from './image.js';

/** Keys' cubic convolution kernel with a = -0.5, as MATLAB's imresize 'bicubic'. */
function cubic(x: number): number {
  const ax = Math.abs(x);
  const ax2 = ax * ax;
  const ax3 = ax2 * ax;
  if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
  if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
  return 0;
}

/** Per output index: the source indices and normalised weights along one axis. */
function contributions(inSize: number, outSize: number, scale: number) {
  // Downscaling widens the kernel by 1/scale (antialiasing), as imresize does.
  const widen = Math.min(scale, 1);
  // Half-width of the (widened) kernel in input pixels.
  const support = 2 / widen;
  const taps = Math.ceil(2 * support) + 2;
  const index = new Int32Array(outSize * taps);
  const weight = new Float64Array(outSize * taps);
  for (let o = 0; o < outSize; o++) {
    // Centre of output pixel o in input coordinates (pixel centres at integer + 0.5).
    const u = (o + 0.5) / scale - 0.5;
    const left = Math.floor(u - support);
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const i = left + t;
      const w = widen * cubic(widen * (u - i));
      // Out-of-range taps reuse the mirrored pixel (imresize's symmetric border).
      const j = i < 0 ? -i - 1 : i >= inSize ? 2 * inSize - i - 1 : i;
      index[o * taps + t] = Math.min(Math.max(j, 0), inSize - 1);
      weight[o * taps + t] = w;
      sum += w;
    }
    for (let t = 0; t < taps; t++) weight[o * taps + t]! /= sum;
  }
  return { index, weight, taps };
}

/**
 * Bicubic resize by `scale` (output size round(scale·size)), antialiased
 * when shrinking, following MATLAB imresize: DnCNN builds its multi-scale
 * training set this way.
 */
export function resizeImage(image: Image, scale: number): Image {
  if (scale === 1) return image;
  const { height: h, width: w, channels: c } = image;
  const oh = Math.max(1, Math.round(h * scale));
  const ow = Math.max(1, Math.round(w * scale));
  const cols = contributions(w, ow, scale);
  const rows = contributions(h, oh, scale);
  // Width first, then height; float64 in between so the two passes do not round twice.
  const mid = new Float64Array(h * ow * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      for (let k = 0; k < c; k++) {
        let v = 0;
        for (let t = 0; t < cols.taps; t++) {
          v +=
            cols.weight[x * cols.taps + t]! *
            image.data[(y * w + cols.index[x * cols.taps + t]!) * c + k]!;
        }
        mid[(y * ow + x) * c + k] = v;
      }
    }
  }
  const out = new Float32Array(oh * ow * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let k = 0; k < c; k++) {
        let v = 0;
        for (let t = 0; t < rows.taps; t++) {
          v +=
            rows.weight[y * rows.taps + t]! *
            mid[(rows.index[y * rows.taps + t]! * ow + x) * c + k]!;
        }
        out[(y * ow + x) * c + k] = v;
      }
    }
  }
  return { ...image, data: out, height: oh, width: ow };
}
