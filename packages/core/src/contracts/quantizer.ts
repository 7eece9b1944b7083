import type { tf } from '../tf.js';

/**
 * What a `quantizer` plugin creates: replaces a weight by its quantised
 * value in the forward pass (straight-through in the backward). A student
 * config names one (`student.quantizer: ternary`) and is trained, saved and
 * evaluated with it.
 */
export interface Quantizer {
  readonly name: string;
  /** The quantised weight; its gradient w.r.t. `w` is the identity (STE). */
  quantize(w: tf.Tensor): tf.Tensor;
  /** The set of distinct values `w` takes once quantised, for reports (e.g. 3 for ternary). */
  levels(w: tf.Tensor): number;
}
