import { tf } from '../tf.js';

/**
 * Reflect-pads an [N, H, W, C] image at the bottom/right so H and W are
 * multiples of `multiple` (for models that halve the size k times); returns
 * the padded image and a function that crops a result back.
 */
export function padToMultiple(
  x: tf.Tensor4D,
  multiple: number,
): { padded: tf.Tensor4D; crop: (y: tf.Tensor4D) => tf.Tensor4D } {
  const [, h, w] = x.shape;
  const ph = (multiple - (h % multiple)) % multiple;
  const pw = (multiple - (w % multiple)) % multiple;
  if (ph === 0 && pw === 0) return { padded: x, crop: (y) => y };
  // mirrorPad 'reflect' needs the pad to be smaller than the size.
  const padded = tf.mirrorPad(
    x,
    [
      [0, 0],
      [0, ph],
      [0, pw],
      [0, 0],
    ],
    ph < h && pw < w ? 'reflect' : 'symmetric',
  );
  return { padded, crop: (y) => tf.slice(y, [0, 0, 0, 0], [y.shape[0], h, w, y.shape[3]]) };
}
