import type { Image } from './image.js';

/**
 * MATLAB `rgb2gray` weights: the first row of the inverse of the NTSC YIQ
 * matrix, i.e. ITU-R BT.601 luma to the precision MATLAB uses. The standard
 * gray test sets are made with them: every pixel of ../shared/datasets/BSD68
 * equals round(rgb2gray(CBSD68)) (see that folder's README), which
 * `color.test.ts` checks. The textbook 0.299/0.587/0.114 differ in the 4th
 * decimal and would shift some pixels by one grey level.
 */
export const RGB_TO_GRAY = [0.298936021293775, 0.587043074451121, 0.114020904255103] as const;

export function rgbToGray(image: Image): Image {
  if (image.channels === 1) return image;
  if (image.channels !== 3)
    throw new RangeError(`rgbToGray needs 1 or 3 channels, got ${image.channels}`);
  const n = image.height * image.width;
  const out = new Float32Array(n);
  const src = image.data;
  const [wr, wg, wb] = RGB_TO_GRAY;
  for (let i = 0, j = 0; i < n; i++, j += 3)
    out[i] = wr * src[j]! + wg * src[j + 1]! + wb * src[j + 2]!;
  return { ...image, data: out, channels: 1 };
}

export function grayToRgb(image: Image): Image {
  if (image.channels === 3) return image;
  if (image.channels !== 1)
    throw new RangeError(`grayToRgb needs 1 or 3 channels, got ${image.channels}`);
  const n = image.height * image.width;
  const out = new Float32Array(n * 3);
  const src = image.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const v = src[i]!;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
  }
  return { ...image, data: out, channels: 3 };
}

/** Converts to the requested channel count (1 or 3); `undefined` keeps the image as it is. */
export function toChannels(image: Image, channels: number | undefined): Image {
  if (channels === undefined || channels === image.channels) return image;
  if (channels === 1) return rgbToGray(image);
  if (channels === 3) return grayToRgb(image);
  throw new RangeError(`channels must be 1 or 3, got ${channels}`);
}
