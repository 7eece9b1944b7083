import { tf } from '@spikedistill/core';

/**
 * PyTorch's PixelShuffle(r) on NHWC: channel c·r² + i·r + j goes to
 * position (h·r + i, w·r + j) of channel c. tf.depthToSpace orders channels
 * differently (and has no gradient), so reshape/transpose it is.
 */
export function pixelShuffle(x: tf.Tensor4D, r: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const out = c / (r * r);
    const y = tf.transpose(tf.reshape(x, [n, h, w, out, r, r]), [0, 1, 4, 2, 5, 3]);
    return tf.reshape(y, [n, h * r, w * r, out]);
  });
}

/** Inverse of pixelShuffle (PyTorch's PixelUnshuffle(r)). */
export function pixelUnshuffle(x: tf.Tensor4D, r: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const y = tf.transpose(tf.reshape(x, [n, h / r, r, w / r, r, c]), [0, 1, 3, 5, 2, 4]);
    return tf.reshape(y, [n, h / r, w / r, c * r * r]);
  });
}
