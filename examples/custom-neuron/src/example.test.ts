import { readFileSync } from 'node:fs';
import { BadOptionsError, tf, UnknownPluginError } from '@spikedistill/core';
import { neuronConformance } from '@spikedistill/neurons/testing';
import { describe, expect, it } from 'vitest';
import { exampleRegistry, LearnableThresholdLif, neuronFromConfig } from './index.js';

// The built-in conformance suite picks the example's neuron up from the
// registry, next to every built-in neuron, on cpu and wasm.
neuronConformance(() => exampleRegistry());

describe('the custom neuron, used by name from an experiment config', () => {
  const text = readFileSync(new URL('../experiment.yaml', import.meta.url), 'utf8');

  it('is created from student.options.neuron with the config options', () => {
    const factory = neuronFromConfig(exampleRegistry(), text);
    expect(factory.name).toBe('lt-lif');
    expect(factory.surrogate.name).toBe('sigmoid');
    const neuron = factory.create();
    expect(neuron).toBeInstanceOf(LearnableThresholdLif);
    expect(neuron.threshold).toBeCloseTo(0.15, 5);
    // τ = 2, θ = 0.15, soft reset: H = 0.1 (no spike), then 0.05 + 0.2 = 0.25 → spike, V = 0.1.
    const s = neuron.forward(tf.tensor([0.2, 0.4], [2, 1, 1]));
    expect([...s.dataSync()]).toEqual([0, 1]);
    expect(neuron.currentState()!.v!.dataSync()[0]).toBeCloseTo(0.1, 5);
    s.dispose();
    neuron.dispose();
  });

  it('learns its threshold: the gradient reaches ρ', () => {
    const neuron = neuronFromConfig(exampleRegistry(), text).create() as LearnableThresholdLif;
    const x = tf.tensor([0.2, 0.4, 0.1], [3, 1, 1]);
    const { grads, value } = tf.variableGrads(() => {
      const out = tf.sum(neuron.forward(x)) as tf.Scalar;
      neuron.resetState();
      return out;
    }, [neuron.rho]);
    // More threshold, fewer spikes: dL/dρ < 0.
    expect(grads[neuron.rho.name]!.dataSync()[0]).toBeLessThan(0);
    tf.dispose([x, value, ...Object.values(grads)]);
    neuron.dispose();
  });

  it('reports bad options and unknown names with the config path', () => {
    const registry = exampleRegistry();
    const bad = text.replace('tau: 2', 'tau: 0.5');
    expect(() => neuronFromConfig(registry, bad)).toThrow(BadOptionsError);
    expect(() => neuronFromConfig(registry, bad)).toThrow(/student\.options\.neuron/);
    const unknown = text.replace('name: lt-lif', 'name: lt-lf');
    expect(() => neuronFromConfig(registry, unknown)).toThrow(UnknownPluginError);
    expect(() => neuronFromConfig(registry, unknown)).toThrow(/Did you mean 'lt-lif'/);
  });
});
