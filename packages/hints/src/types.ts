import type { Module, tf } from '@spikedistill/core';

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

declare module '@spikedistill/core' {
  interface KindMap {
    adapter: AdapterFactory;
    reducer: TemporalReducer;
  }
}
