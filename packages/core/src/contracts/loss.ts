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
  /**
   * Unweighted loss of `prediction` against `target`, a scalar. Each loss
   * checks the shapes it takes (E_SHAPE): restoration losses images of one
   * shape, classification losses logits [N, K] against int32 labels [N].
   */
  compute(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar;
}

/**
 * What a `metric` plugin creates: a number per evaluation item, averaged by
 * the caller (over images for restoration; weighted by the item's images
 * for classification).
 */
export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  /**
   * Restoration: `prediction` and `target` are [1, H, W, C] or [H, W, C]
   * images in [0, 1]. Classification: logits [N, K] and int32 labels [N];
   * the value is the mean over the N images.
   */
  compute(prediction: tf.Tensor, target: tf.Tensor): number;
}
