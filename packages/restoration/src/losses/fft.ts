import { definePlugin, type Loss, tf, checkSameShape } from '@spikedistill/core';
import { z } from 'zod';

export const fftOptions = z.object({
  weight: z
    .number()
    .nonnegative()
    .default(1)
    .describe('Factor of this term in a composite loss (the H-KD paper uses 0.1)'),
  onesided: z
    .boolean()
    .default(false)
    .describe('Keep only the W/2+1 non-redundant columns along W, as torch.fft.rfft2 does'),
  norm: z
    .enum(['backward', 'ortho', 'forward'])
    .default('backward')
    .describe("Scaling of the transform, as torch.fft's `norm` ('backward': none)"),
});

/**
 * cos and sin of 2πkn/N as [n, k] matrices. The product k·n is reduced mod N
 * first, so the angle stays exact for large sizes.
 */
function dftMatrices(n: number, columns: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const c = new Float32Array(n * columns);
  const s = new Float32Array(n * columns);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < columns; k++) {
      const angle = (2 * Math.PI * ((i * k) % n)) / n;
      c[i * columns + k] = Math.cos(angle);
      s[i * columns + k] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(c, [n, columns]), sin: tf.tensor2d(s, [n, columns]) };
}

/**
 * The 2-D DFT over H and W of an NHWC tensor, per image and channel, as
 * matrix products with the DFT matrices. tfjs registers no gradient for its
 * FFT kernels, and not every backend has them; a matmul is differentiable
 * everywhere, and at restoration patch sizes (≤ 256) costs little more.
 * Returns real and imaginary parts, [N·C, K, H] (frequency along W first).
 */
export function dft2d(
  x: tf.Tensor4D,
  options: { onesided?: boolean; norm?: 'backward' | 'ortho' | 'forward' } = {},
): { re: tf.Tensor3D; im: tf.Tensor3D } {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const k = options.onesided ? Math.floor(w / 2) + 1 : w;
    const W = dftMatrices(w, k);
    const H = dftMatrices(h, h);
    // [N, C, H, W] so each (image, channel) plane is a row block.
    const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c * h, w]);
    // Along W: Y = X·(C − iS).
    const yRe = tf.reshape(tf.matMul(planes, W.cos), [n * c, h, k]);
    const yIm = tf.neg(tf.reshape(tf.matMul(planes, W.sin), [n * c, h, k]));
    // Along H, on the transposed planes: F = (C − iS)·Y.
    const tRe = tf.reshape(tf.transpose(yRe, [0, 2, 1]), [n * c * k, h]);
    const tIm = tf.reshape(tf.transpose(yIm, [0, 2, 1]), [n * c * k, h]);
    let re = tf.add(tf.matMul(tRe, H.cos), tf.matMul(tIm, H.sin));
    let im = tf.sub(tf.matMul(tIm, H.cos), tf.matMul(tRe, H.sin));
    const scale =
      options.norm === 'ortho'
        ? 1 / Math.sqrt(h * w)
        : options.norm === 'forward'
          ? 1 / (h * w)
          : 1;
    if (scale !== 1) {
      re = tf.mul(re, scale);
      im = tf.mul(im, scale);
    }
    return {
      re: tf.reshape(re, [n * c, k, h]) as tf.Tensor3D,
      im: tf.reshape(im, [n * c, k, h]) as tf.Tensor3D,
    };
  });
}

/**
 * Frequency loss of the H-KD paper (arXiv 2504.01755, after MIMO-UNet): L1
 * between the 2-D FFTs of prediction and target, real and imaginary parts
 * stacked, i.e. (mean|ΔRe| + mean|ΔIm|) / 2. The DFT is linear, so the
 * difference is transformed once.
 */
export const fftLoss = definePlugin({
  kind: 'loss',
  name: 'fft',
  description:
    'L1 between the 2-D FFTs (over H and W, per channel) of prediction and target, real and imaginary parts stacked.',
  options: fftOptions,
  create: ({ weight, onesided, norm }): Loss => ({
    name: 'fft',
    weight,
    compute: (prediction, target) => {
      checkSameShape('fft', prediction, target);
      if (prediction.rank !== 4) {
        throw new TypeError(
          `loss 'fft' needs NHWC images (rank 4), got rank ${prediction.rank} [${prediction.shape.join(', ')}]`,
        );
      }
      return tf.tidy(() => {
        const { re, im } = dft2d(tf.sub(prediction, target) as tf.Tensor4D, { onesided, norm });
        return tf.div(tf.add(tf.mean(tf.abs(re)), tf.mean(tf.abs(im))), 2) as tf.Scalar;
      });
    },
  }),
});
