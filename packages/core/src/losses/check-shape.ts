import { ShapeError } from '../errors.js';
import type { tf } from '../tf.js';

/** Losses compare like with like; a silent broadcast would hide a wiring bug. */
export function checkSameShape(loss: string, prediction: tf.Tensor, target: tf.Tensor): void {
  const a = prediction.shape;
  const b = target.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ShapeError(`loss '${loss}': target`, `[${a.join(', ')}] (the prediction's)`, b);
  }
}
