import type { tf } from '../tf.js';

/** What a `loss` plugin creates. `weight` multiplies it in a composite loss. */
export interface Loss {
  readonly name: string;
  readonly weight: number;
  /**
   * Whether prediction and target may differ in their last (channel) axis,
   * as attention transfer compares spatial maps. Used as a hint matcher, a
   * loss without it compares features of equal shape (after an adapter).
   */
  readonly channelsMayDiffer?: boolean;
  /** Unweighted loss of `prediction` against `target` (same shape), a scalar. */
  compute(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar;
}

/** What a `metric` plugin creates: a number per image pair, averaged by the caller. */
export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  /** `prediction` and `target` are [1, H, W, C] or [H, W, C] images in [0, 1]. */
  compute(prediction: tf.Tensor, target: tf.Tensor): number;
}
