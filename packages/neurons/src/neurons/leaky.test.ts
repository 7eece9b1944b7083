import { tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { neuronsRegistry } from '../testing/registry.js';

function run(options: Record<string, unknown>, input: number[]) {
  const neuron = neuronsRegistry().create('neuron', 'leaky', options).create();
  const spikes: number[] = [];
  const membranes: number[] = [];
  for (const x of input) {
    const s = neuron.step(tf.tensor2d([[x]]));
    spikes.push(s.dataSync()[0]!);
    s.dispose();
    membranes.push(neuron.currentState()!.u!.dataSync()[0]!);
  }
  neuron.resetState();
  return { spikes, membranes };
}

const input = [0.6, 0.6, 0.6, 2.5, 0];

describe("leaky (snnTorch's Leaky), β = 0.5, θ = 1, fed 0.6, 0.6, 0.6, 2.5, 0 (by hand)", () => {
  it('subtract: the reset of a spike lands one step later', () => {
    // U: 0.6, 0.9, 1.05 (S = 1), 0.525 + 2.5 − 1 = 2.025 (S = 1), 1.0125 + 0 − 1 = 0.0125.
    const r = run({ beta: 0.5 }, input);
    expect(r.spikes).toEqual([0, 0, 1, 1, 0]);
    expectClose(r.membranes, [0.6, 0.9, 1.05, 2.025, 0.0125]);
  });
  it('zero: the previous membrane is zeroed before the decay', () => {
    // U: 0.6, 0.9, 1.05 (S), 0.5·0·1.05 + 2.5 = 2.5 (S), 0.
    const r = run({ beta: 0.5, resetMechanism: 'zero' }, input);
    expect(r.spikes).toEqual([0, 0, 1, 1, 0]);
    expectClose(r.membranes, [0.6, 0.9, 1.05, 2.5, 0]);
  });
  it('subtract without reset delay equals LIF soft reset without decayInput (τ = 2)', () => {
    // U: 0.6, 0.9, 1.05 → 0.05, 2.525 → 1.525, 0.7625.
    const r = run({ beta: 0.5, resetDelay: false }, input);
    expect(r.spikes).toEqual([0, 0, 1, 1, 0]);
    expectClose(r.membranes, [0.6, 0.9, 0.05, 1.525, 0.7625]);
  });
  it('does not fire when U equals θ (strict >)', () => {
    const r = run({ beta: 0.5 }, [1, 0]);
    expect(r.spikes).toEqual([0, 0]);
  });
  it('clips β to [0, 1] in its options', () => {
    expect(() => neuronsRegistry().create('neuron', 'leaky', { beta: 1.5 })).toThrow(/beta/);
  });
});

function expectClose(got: number[], want: number[]) {
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i]!, 5);
  });
}
