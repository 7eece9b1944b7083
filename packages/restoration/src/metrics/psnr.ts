import { definePlugin, type Metric, type tf } from '@spikedistill/core';
import { type Image8Options, image8Options, type Planes, toPlanes8 } from './image8.js';

/** PSNR of two sets of planes on the [0, 255] scale; Infinity when they are identical. */
export function psnrOfPlanes(a: Planes, b: Planes): number {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < a.planes.length; k++) {
    const pa = a.planes[k]!;
    const pb = b.planes[k]!;
    for (let i = 0; i < pa.length; i++) {
      const d = pa[i]! - pb[i]!;
      sum += d * d;
    }
    count += pa.length;
  }
  const mse = sum / count;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/** PSNR of images in [0, 1] after 8-bit quantisation, as the denoising literature reports it. */
export function psnr8(
  prediction: tf.Tensor,
  target: tf.Tensor,
  options: Partial<Image8Options> = {},
): number {
  const o = image8Options.parse(options);
  const p = toPlanes8('psnr', prediction, target, o);
  return psnrOfPlanes(p.prediction, p.target);
}

export const psnrMetric = definePlugin({
  kind: 'metric',
  name: 'psnr',
  description:
    'PSNR in dB on the [0, 255] scale of images rounded and clipped to 8 bits (MSE over all pixels and channels); Infinity for identical images.',
  options: image8Options,
  create: (options): Metric => ({
    name: 'psnr',
    higherIsBetter: true,
    compute: (prediction, target) => {
      const p = toPlanes8('psnr', prediction, target, options);
      return psnrOfPlanes(p.prediction, p.target);
    },
  }),
});
