import { Module, type Rng, tf } from '@spikedistill/core';
import type { Adapter } from '../types.js';

/** A k×k 'same' convolution with bias from student to teacher channels (He-initialised). */
export class ConvAdapter extends Module implements Adapter {
  readonly kernel: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1>;

  constructor(inChannels: number, outChannels: number, size: number, rng: Rng) {
    super();
    const fanIn = inChannels * size * size;
    const w = rng.fillNormal(new Float32Array(fanIn * outChannels), 0, Math.sqrt(2 / fanIn));
    this.kernel = this.param('kernel', tf.tensor4d(w, [size, size, inChannels, outChannels]));
    this.bias = this.param('bias', tf.zeros([outChannels]));
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.add(
      tf.conv2d(x as tf.Tensor4D, this.use(this.kernel), 1, 'same'),
      this.use(this.bias),
    );
  }
}
