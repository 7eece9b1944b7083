import { Module, type tf } from '@spikedistill/core';
import { overTime } from './seq-batch.js';

/** A module with a per-sample forward, [N, …] → [N, …]. */
export interface ForwardModule extends Module {
  forward(x: tf.Tensor): tf.Tensor;
}

/**
 * Applies a per-sample module to [T, N, …] by merging T into the batch (as
 * SpikingJelly's `SeqToANNContainer`). The wrapped module's members appear
 * under `layer.` in the state dict.
 */
export class TimeDistributed<M extends ForwardModule> extends Module {
  readonly layer: M;

  constructor(layer: M) {
    super();
    this.layer = this.child('layer', layer);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return overTime((z) => this.layer.forward(z))(x);
  }
}
