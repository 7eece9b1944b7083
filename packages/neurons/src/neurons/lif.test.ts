import { tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { neuronsRegistry } from '../testing/registry.js';

const input = [0.6, 0.6, 0.6, 2.5, 0];

/** Runs one LIF neuron over `input`, returning spikes and the membrane after each step. */
function run(options: Record<string, unknown>) {
  const registry = neuronsRegistry();
  const neuron = registry.create('neuron', 'lif', { tau: 2, threshold: 1, ...options }).create();
  const spikes: number[] = [];
  const membranes: number[] = [];
  for (const x of input) {
    const s = neuron.step(tf.tensor2d([[x]]));
    spikes.push(s.dataSync()[0]!);
    s.dispose();
    membranes.push(neuron.currentState()!.v!.dataSync()[0]!);
  }
  neuron.resetState();
  return { spikes, membranes };
}

describe('LIF, τ = 2, θ = 1, V_r = 0, fed 0.6, 0.6, 0.6, 2.5, 0 (derived by hand)', () => {
  // decayInput: H = V + (X − V)/2 = (V + X)/2.
  // H: 0.3, 0.45, 0.525, (0.525 + 2.5)/2 = 1.5125 → spike at t = 4.
  it('decayInput, hard reset', () => {
    // After the spike V = 0, then H = (0 + 0)/2 = 0.
    const r = run({ decayInput: true, vReset: 0 });
    expect(r.spikes).toEqual([0, 0, 0, 1, 0]);
    expectClose(r.membranes, [0.3, 0.45, 0.525, 0, 0]);
  });
  it('decayInput, soft reset', () => {
    // V = 1.5125 − 1 = 0.5125, then H = 0.5125/2 = 0.25625.
    const r = run({ decayInput: true, vReset: null });
    expect(r.spikes).toEqual([0, 0, 0, 1, 0]);
    expectClose(r.membranes, [0.3, 0.45, 0.525, 0.5125, 0.25625]);
  });
  // no decayInput: H = V − V/2 + X = V/2 + X.
  // H: 0.6, 0.9, 1.05 → spike at t = 3.
  it('no decayInput, hard reset', () => {
    // V = 0; H = 2.5 → spike, V = 0; H = 0.
    const r = run({ decayInput: false, vReset: 0 });
    expect(r.spikes).toEqual([0, 0, 1, 1, 0]);
    expectClose(r.membranes, [0.6, 0.9, 0, 0, 0]);
  });
  it('no decayInput, soft reset', () => {
    // V = 0.05; H = 0.025 + 2.5 = 2.525 → spike, V = 1.525; H = 0.7625, no spike.
    const r = run({ decayInput: false, vReset: null });
    expect(r.spikes).toEqual([0, 0, 1, 1, 0]);
    expectClose(r.membranes, [0.6, 0.9, 0.05, 1.525, 0.7625]);
  });
  it('fires when H equals the threshold exactly', () => {
    // no decayInput: H = 0.5, then 0.25 + 0.75 = 1.0 (exact in float32) = θ.
    const registry = neuronsRegistry();
    const neuron = registry.create('neuron', 'lif', { decayInput: false }).create();
    const s = neuron.forward(tf.tensor3d([[[0.5]], [[0.75]]]));
    expect([...s.dataSync()]).toEqual([0, 1]);
    s.dispose();
    neuron.resetState();
  });
});

function expectClose(got: number[], want: number[]) {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i]!, 6);
  });
}
