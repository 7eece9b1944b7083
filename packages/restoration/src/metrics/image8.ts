import { ShapeError, type tf } from '@spikedistill/core';
import { z } from 'zod';

/** Options shared by the 8-bit image metrics. */
export const image8Options = z.object({
  crop: z
    .number()
    .int()
    .nonnegative()
    .default(0)
    .describe(
      'Pixels removed from every border before measuring (super-resolution uses the scale)',
    ),
  channels: z
    .enum(['all', 'y'])
    .default('all')
    .describe(
      "'all': every channel of the image (gray or RGB); 'y': luma of RGB images (BT.601, MATLAB rgb2ycbcr), gray images as they are",
    ),
});
export type Image8Options = z.output<typeof image8Options>;

/** Channel planes of one image, float64 on the [0, 255] scale, row-major. */
export interface Planes {
  width: number;
  height: number;
  planes: Float64Array[];
}

/**
 * Brings prediction and target to what the denoising literature measures:
 * values in [0, 1] scaled to [0, 255], clipped and rounded to 8 bits, the
 * border cropped, and optionally reduced to the Y channel. Reads the data
 * with dataSync and makes no tensors.
 */
export function toPlanes8(
  metric: string,
  prediction: tf.Tensor,
  target: tf.Tensor,
  options: Image8Options,
): { prediction: Planes; target: Planes } {
  const shape = imageShape(metric, 'prediction', prediction);
  const tshape = imageShape(metric, 'target', target);
  if (shape.some((d, i) => d !== tshape[i])) {
    throw new ShapeError(`metric '${metric}': target`, `[${shape.join(', ')}]`, target.shape);
  }
  return {
    prediction: planesOf(prediction.dataSync(), shape, options),
    target: planesOf(target.dataSync(), shape, options),
  };
}

function imageShape(metric: string, which: string, t: tf.Tensor): [number, number, number] {
  const s = t.shape;
  if (s.length === 3) return [s[0]!, s[1]!, s[2]!];
  if (s.length === 4 && s[0] === 1) return [s[1]!, s[2]!, s[3]!];
  throw new ShapeError(`metric '${metric}': ${which}`, '[1, H, W, C] or [H, W, C]', s);
}

/** Quantises like saving to an 8-bit PNG: clip to [0, 255], round half up. */
export function to8bit(v: number): number {
  const x = v * 255;
  return x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
}

/** MATLAB rgb2ycbcr's luma row for inputs on [0, 255]: Y in [16, 235]. */
export function lumaBt601(r: number, g: number, b: number): number {
  return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
}

function planesOf(
  data: ArrayLike<number>,
  [h, w, c]: [number, number, number],
  { crop, channels }: Image8Options,
): Planes {
  const height = h - 2 * crop;
  const width = w - 2 * crop;
  if (height <= 0 || width <= 0) {
    throw new ShapeError(`crop ${crop}`, `an image larger than ${2 * crop}×${2 * crop}`, [h, w, c]);
  }
  const luma = channels === 'y' && c === 3;
  const out = Array.from({ length: luma ? 1 : c }, () => new Float64Array(height * width));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = ((y + crop) * w + (x + crop)) * c;
      const dst = y * width + x;
      if (luma) {
        out[0]![dst] = lumaBt601(
          to8bit(data[src]!),
          to8bit(data[src + 1]!),
          to8bit(data[src + 2]!),
        );
      } else {
        for (let k = 0; k < c; k++) out[k]![dst] = to8bit(data[src + k]!);
      }
    }
  }
  return { width, height, planes: out };
}
