import type { Image } from '../image/image.js';

/** Smallest multiple of `multiple` that is ≥ n. */
export const roundUp = (n: number, multiple: number) => Math.ceil(n / multiple) * multiple;

/** Index reflected into [0, n) without repeating the edge (numpy 'reflect'), for any offset. */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  i = ((i % period) + period) % period;
  return i < n ? i : period - i;
}

/**
 * Reflect-pads an image at the bottom and right to a multiple of `multiple`
 * (e.g. 2^k for a k-level U-Net). Works for any pad size, even beyond the
 * image (reflection repeats), unlike tf.mirrorPad.
 */
export function reflectPadImage(image: Image, multiple: number): Image {
  const { height: h, width: w, channels: c } = image;
  const ph = roundUp(h, multiple);
  const pw = roundUp(w, multiple);
  if (ph === h && pw === w) return image;
  const out = new Float32Array(ph * pw * c);
  for (let y = 0; y < ph; y++) {
    const sy = reflectIndex(y, h);
    for (let x = 0; x < pw; x++) {
      const s = (sy * w + reflectIndex(x, w)) * c;
      const d = (y * pw + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = image.data[s + k]!;
    }
  }
  return { ...image, data: out, height: ph, width: pw };
}

/** The top-left `height`×`width` of an image (undoes `reflectPadImage`). */
export function cropImage(image: Image, height: number, width: number): Image {
  if (height === image.height && width === image.width) return image;
  const c = image.channels;
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < height; y++) {
    out.set(image.data.subarray(y * image.width * c, (y * image.width + width) * c), y * width * c);
  }
  return { ...image, data: out, height, width };
}
