import type { Module, tf } from '@spikedistill/core';

/** Compares a student feature map with a teacher's (same shape after adaptation); a scalar loss. */
export interface HintMatcher {
  readonly name: string;
  /** Whether it needs equal channel counts (attention transfer does not). */
  readonly needsEqualChannels: boolean;
  compute(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar;
}

/** A trainable map from the student's channels to the teacher's. */
export interface Adapter extends Module {
  apply(x: tf.Tensor): tf.Tensor;
}

/** Builds adapters for one hint layer pair: `create(studentChannels, teacherChannels)`. */
export interface AdapterFactory {
  readonly name: string;
  create(inChannels: number, outChannels: number): Adapter;
}

/** Collapses a per-step feature map [T, N, …] into [N, …]. */
export interface TemporalReducer {
  readonly name: string;
  reduce(x: tf.Tensor): tf.Tensor;
}

/** Replaces a weight by its quantised value in the forward pass (straight-through in the backward). */
export interface Quantizer {
  readonly name: string;
  /** The quantised weight; its gradient w.r.t. `w` is the identity (STE). */
  quantize(w: tf.Tensor): tf.Tensor;
  /** The set of distinct values `w` takes once quantised, for reports (e.g. 3 for ternary). */
  levels(w: tf.Tensor): number;
}

declare module '@spikedistill/core' {
  interface KindMap {
    hint: HintMatcher;
    adapter: AdapterFactory;
    reducer: TemporalReducer;
    quantizer: Quantizer;
  }
}
