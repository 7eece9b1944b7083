import { ShapeError } from '../errors.js';
import { tf } from '../tf.js';

const roundUp = (n: number, multiple: number) => Math.ceil(n / multiple) * multiple;

export interface Padded {
  /** The padded batch; the caller disposes it. */
  padded: tf.Tensor4D;
  /** Crops a model output of the padded size back to the original size (a new tensor). */
  crop(y: tf.Tensor4D): tf.Tensor4D;
}

/**
 * Reflect-pads a [N, H, W, C] batch at the bottom and right so H and W are
 * multiples of `multiple`; `crop` restores the original size. The pad must
 * be smaller than the image side (tf.mirrorPad's limit): pad images smaller
 * than `multiple` with `reflectPadImage` instead.
 */
export function padToMultiple(x: tf.Tensor4D, multiple: number): Padded {
  const [n, h, w, c] = x.shape;
  const ph = roundUp(h, multiple) - h;
  const pw = roundUp(w, multiple) - w;
  if (ph >= h || pw >= w) {
    throw new ShapeError(
      'padToMultiple',
      `[N, H, W, C] with H and W above ${Math.max(ph, pw)} to reflect-pad to a multiple of ${multiple}`,
      x.shape,
    );
  }
  const padded =
    ph === 0 && pw === 0
      ? x.clone()
      : tf.mirrorPad(
          x,
          [
            [0, 0],
            [0, ph],
            [0, pw],
            [0, 0],
          ],
          'reflect',
        );
  return {
    padded,
    crop: (y) => tf.slice(y, [0, 0, 0, 0], [n, h, w, y.shape[3] ?? c]),
  };
}
