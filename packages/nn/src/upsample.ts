import { tf } from '@spikedistill/core';

/**
 * Nearest-neighbour ×2 upsampling of [B, H, W, C]: each pixel becomes a
 * 2×2 block (source index ⌊i/2⌋; cpu and wasm have the kernel and its
 * gradient).
 */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w], false, false);
}
