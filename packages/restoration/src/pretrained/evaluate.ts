import { Rng, tf } from '@spikedistill/core';
import type { Backbone } from '@spikedistill/core';
import { psnr8 } from '../metrics/psnr.js';
import { ssim8 } from '../metrics/ssim.js';

export interface DenoiseScore {
  /** PSNR of the noisy input, 8-bit. */
  noisyPsnr: number;
  psnr: number;
  ssim: number;
}

/**
 * Adds AWGN of σ (on the [0, 255] scale, no clipping, as the DnCNN
 * reference numbers do) from `seed`, denoises in eval mode and scores the
 * 8-bit output.
 */
export function denoiseScore(
  model: Backbone,
  clean: tf.Tensor4D,
  sigma: number,
  seed: number,
): DenoiseScore {
  const noise = new Rng(seed).fillNormal(new Float32Array(clean.size), 0, sigma / 255);
  return tf.tidy(() => {
    const noisy = tf.add(clean, tf.tensor(noise, clean.shape)) as tf.Tensor4D;
    const { output } = model.forward(noisy, { training: false });
    return {
      noisyPsnr: psnr8(noisy, clean),
      psnr: psnr8(output, clean),
      ssim: ssim8(output, clean),
    };
  });
}
