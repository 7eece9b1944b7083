import { ref, tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';
import { neuronsRegistry } from '../testing/registry.js';
import { defineNeuron } from './define-neuron.js';
import type { IfNeuron } from './if.js';
import { BaseNode, type Neuron, type NeuronState } from './neuron.js';

// The README's example neuron: only a charge function, fire and reset inherited.
class MyIf extends BaseNode {
  readonly kind = 'my-if';
  constructor(
    readonly options: { threshold: number },
    surrogate: Surrogate,
  ) {
    super(surrogate, options);
  }
  protected charge(x: tf.Tensor, state: NeuronState) {
    return tf.add(state.v!, x);
  }
}
const myIf = defineNeuron({
  name: 'my-if',
  description: 'integrate-and-fire, hard reset to 0',
  options: z.object({
    threshold: z.number().positive().default(1),
    surrogate: ref('surrogate', 'atan'),
  }),
  layer: (options, surrogate) => new MyIf(options, surrogate),
});

describe('defineNeuron', () => {
  it('makes a plugin whose layers charge, fire and reset like the built-in IF', () => {
    const registry = neuronsRegistry().register(myIf);
    const mine = registry.create('neuron', 'my-if', { threshold: 0.5 });
    expect(mine.threshold).toBe(0.5);
    expect(mine.surrogate.name).toBe('atan');
    const builtIn = registry.create('neuron', 'if', { threshold: 0.5, surrogate: 'atan' });
    const x = tf.tensor([0.2, 0.2, 0.4, 0.9, 0.1], [5, 1, 1]);
    const run = (layer: Neuron) => {
      const grad = tf.grad((z: tf.Tensor) => {
        const out = tf.sum(tf.mul(layer.forward(z), tf.range(1, 6).reshape([5, 1, 1])));
        layer.resetState();
        return out as tf.Scalar;
      })(x);
      const spikes = layer.forward(x);
      const result = { spikes: [...spikes.dataSync()], grad: [...grad.dataSync()] };
      layer.resetState();
      tf.dispose([spikes, grad]);
      layer.dispose();
      return result;
    };
    const a = run(mine.create());
    const reference = builtIn.create() as IfNeuron;
    reference.allowFused = false;
    const b = run(reference);
    // 0.2, 0.4, 0.8 → spike (reset to 0), 0.9 → spike, 0.1.
    expect(a.spikes).toEqual([0, 0, 1, 1, 0]);
    expect(a.spikes).toEqual(b.spikes);
    a.grad.forEach((g, i) => {
      expect(g).toBeCloseTo(b.grad[i]!, 6);
    });
    x.dispose();
  });

  it('resolves the surrogate option through the registry, saying where', () => {
    const registry = neuronsRegistry().register(myIf);
    expect(() => registry.create('neuron', 'my-if', { surrogate: 'atann' }, 'student')).toThrow(
      /student\.options\.surrogate.*Did you mean 'atan'/,
    );
  });
});
