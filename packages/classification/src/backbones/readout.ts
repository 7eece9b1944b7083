import { type Rng, tf } from '@spikedistill/core';
import type { Neuron, NeuronFactory } from '@spikedistill/neurons';
import { Linear } from '../nn/linear.js';

/** Pooled features over time [T, N, C] → logits [N, classes]. */
export interface Readout extends Linear {
  read(features: tf.Tensor): tf.Tensor2D;
}

/**
 * Mean membrane potential: the fully connected layer's output averaged over
 * the T steps, i.e. the potential of non-firing integrators after T steps
 * divided by T. The layer is linear, so it runs once on the time mean.
 * With T = 1 (an ANN) it is a plain linear classifier.
 */
export class MembraneReadout extends Linear implements Readout {
  read(features: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.forward(tf.mean(features, 0)));
  }
}

/**
 * Spike count: the fully connected layer drives a layer of output neurons
 * at every step; the logits are their spike counts over T (integers in
 * [0, T], trained through the surrogate gradient).
 */
export class SpikeCountReadout extends Linear implements Readout {
  readonly neuron: Neuron;

  constructor(rng: Rng, inFeatures: number, outFeatures: number, neuron: NeuronFactory) {
    super(rng, inFeatures, outFeatures);
    this.neuron = this.child('neuron', neuron.create());
  }

  read(features: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const [t, n] = features.shape as [number, number, number];
      const current = tf.reshape(this.forward(tf.reshape(features, [t * n, -1])), [
        t,
        n,
        this.outFeatures,
      ]);
      return tf.sum(this.neuron.forward(current), 0) as tf.Tensor2D;
    });
  }
}
