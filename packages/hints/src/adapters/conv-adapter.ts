import { Module, type Rng, type tf } from '@spikedistill/core';
import { Conv2d } from '@spikedistill/nn';
import type { Adapter } from '../types.js';

/**
 * A k×k 'same' convolution with bias from student to teacher channels
 * (He-initialised), on core's Conv2d so it trains on every backend.
 */
export class ConvAdapter extends Module implements Adapter {
  readonly conv: Conv2d;

  constructor(inChannels: number, outChannels: number, size: number, rng: Rng) {
    super();
    this.conv = this.child(
      'conv',
      new Conv2d(rng, inChannels, outChannels, { kernel: size, gain: Math.SQRT2 }),
    );
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.conv.forward(x as tf.Tensor4D);
  }
}
