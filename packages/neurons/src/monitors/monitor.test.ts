import { Module, tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import type { Neuron } from '../neurons/neuron.js';
import { neuronsRegistry } from '../testing/registry.js';
import {
  collectFiringRates,
  collectMembraneStats,
  enableMonitors,
  resetMonitors,
} from './collect.js';

class Net extends Module {
  readonly enc: Module;
  readonly lif: Neuron;
  constructor() {
    super();
    const registry = neuronsRegistry();
    const factory = registry.create('neuron', 'lif', {});
    class Block extends Module {
      readonly neuron = this.child('neuron', factory.create());
    }
    this.enc = this.child('enc1', new Block());
    this.lif = (this.enc as Block).neuron;
  }
}

// Sample A: 0.6, 0.6, 0.6, 2.5, 0 (LIF τ = 2, decayInput: one spike, at t = 3;
// H = 0.3, 0.45, 0.525, 1.5125, 0); sample B: all zeros.
const sequence = () => tf.tensor([0.6, 0, 0.6, 0, 0.6, 0, 2.5, 0, 0, 0], [5, 2, 1]);

describe('monitors', () => {
  it('record firing rates per layer and per step, read by dotted path', () => {
    const net = new Net();
    const x = sequence();
    tf.dispose(net.lif.forward(x));
    expect(collectFiringRates(net).size).toBe(0); // off by default
    net.resetState();
    enableMonitors(net);
    tf.dispose(net.lif.forward(x));
    net.resetState();
    const rates = collectFiringRates(net);
    expect([...rates.keys()]).toEqual(['enc1.neuron']);
    const r = rates.get('enc1.neuron')!;
    expect(r.spikes).toBe(1);
    expect(r.neurons).toBe(1);
    expect(r.samples).toBe(2);
    expect(r.neuronSteps).toBe(10);
    expect(r.rate).toBeCloseTo(0.1, 6);
    expect(r.perStep).toEqual([0, 0, 0, 0.5, 0]);

    const m = collectMembraneStats(net).get('enc1.neuron')!;
    const h = [0.3, 0.45, 0.525, 1.5125, 0];
    const mean = h.reduce((a, b) => a + b) / 10;
    expect(m.mean).toBeCloseTo(mean, 5);
    expect(m.std).toBeCloseTo(Math.sqrt(h.reduce((a, b) => a + b * b, 0) / 10 - mean * mean), 5);
    expect(m.max).toBeCloseTo(1.5125, 5);
    expect(m.min).toBe(0);

    // Step-by-step recording accumulates into the same counters.
    for (const xt of tf.unstack(x)) {
      tf.dispose([net.lif.step(xt), xt]);
    }
    net.resetState();
    const again = collectFiringRates(net).get('enc1.neuron')!;
    expect(again.spikes).toBe(2);
    expect(again.samples).toBe(4);
    expect(again.perStep).toEqual([0, 0, 0, 0.5, 0]);

    const before = tf.memory().numTensors;
    resetMonitors(net);
    expect(tf.memory().numTensors).toBeLessThan(before);
    expect(collectFiringRates(net).size).toBe(0);
    x.dispose();
    net.dispose();
  });

  it('cost no downloads while recording (reads are lazy)', () => {
    const net = new Net();
    enableMonitors(net);
    const x = sequence();
    const tensorsBefore = tf.memory().numTensors;
    tf.dispose(net.lif.forward(x));
    net.resetState();
    // A handful of scalars per layer: one per time step plus the membrane stats.
    expect(tf.memory().numTensors - tensorsBefore).toBe(5 + 1);
    resetMonitors(net);
    x.dispose();
    net.dispose();
  });
});
