import { tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import type { NeuronFactory } from '../kinds.js';
import { LifNeuron } from '../neurons/lif.js';
import type { NeuronState, StepResult } from '../neurons/neuron.js';
import { neuronChecks } from './conformance.js';
import { neuronsRegistry } from './registry.js';

// The conformance checks must catch broken neurons, not only pass good ones.
const registry = neuronsRegistry();
const surrogate = registry.create('surrogate', 'sigmoid');
const options = { tau: 2, threshold: 1, vReset: 0, decayInput: true, detachReset: false };

class MultiStepDiffers extends LifNeuron {
  override forward(x: tf.Tensor): tf.Tensor {
    const s = super.forward(x);
    const flipped = tf.sub(1, s);
    s.dispose();
    return flipped;
  }
}
class ForgetsToReset extends LifNeuron {
  private sticky: NeuronState | undefined;
  protected override initialState(shape: readonly number[]): NeuronState {
    return this.sticky ? { v: tf.clone(this.sticky.v!) } : super.initialState(shape);
  }
  protected override dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const r = super.dynamics(x, state);
    this.sticky?.v?.dispose();
    this.sticky = { v: tf.keep(tf.clone(r.state.v!)) };
    return r;
  }
}
class NoSurrogate extends LifNeuron {
  protected override dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const r = super.dynamics(x, state);
    return { ...r, spikes: tf.cast(tf.greaterEqual(r.h, 1), 'float32') };
  }
}
class Leaks extends LifNeuron {
  protected override dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    tf.keep(tf.clone(x));
    return super.dynamics(x, state);
  }
}

function factory(make: () => LifNeuron): NeuronFactory {
  return { name: 'broken', options, surrogate, threshold: 1, create: make };
}

const check = (name: RegExp) => neuronChecks.find((c) => name.test(c.name))!;
const run = (c: RegExp, make: () => LifNeuron) =>
  check(c).run({
    registry,
    plugin: registry.get('neuron', 'lif'),
    instance: factory(make),
    options: {},
  });

describe('neuron conformance checks catch broken neurons', () => {
  it('a good LIF passes every check', async () => {
    for (const c of neuronChecks) {
      await c.run({
        registry,
        plugin: registry.get('neuron', 'lif'),
        instance: factory(() => new LifNeuron(options, surrogate)),
        options: {},
      });
    }
  });
  it('multi-step output that differs from single-step', async () => {
    await expect(
      Promise.resolve().then(() =>
        run(/single-step/, () => new MultiStepDiffers(options, surrogate)),
      ),
    ).rejects.toThrow();
  });
  it('state carried over a reset', async () => {
    await expect(
      Promise.resolve().then(() => run(/resetState/, () => new ForgetsToReset(options, surrogate))),
    ).rejects.toThrow();
  });
  it('spikes without a surrogate gradient', async () => {
    await expect(
      Promise.resolve().then(() =>
        run(/backpropagates/, () => new NoSurrogate(options, surrogate)),
      ),
    ).rejects.toThrow();
  });
  it('leaked tensors', async () => {
    await expect(
      Promise.resolve().then(() => run(/leaks/, () => new Leaks(options, surrogate))),
    ).rejects.toThrow(/leaked/);
  });
});
