import { type Module, tf } from '@spikedistill/core';
import type { Neuron } from '@spikedistill/neurons';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph/builder.js';
import { encodeModel } from '../proto/schema.js';
import { makeRegistry, runOrt } from '../testing/parity.js';
import { ExportContext } from './context.js';
import { builtinExporters } from './index.js';
import { ExporterRegistry } from './registry.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A one-neuron-layer model: current [T·N, K] in, spikes out, through the neuron's exporter. */
function neuronModel(neuron: Module, timesteps: number, k: number): Uint8Array {
  const g = new GraphBuilder();
  const ctx = new ExportContext(g, neuron, new ExporterRegistry(builtinExporters), new Set());
  const current = g.input('current', ['tn', k]);
  const spikes = ctx.apply('neuron', neuron, { current, timesteps });
  g.op('Identity', [spikes], {}, 'spikes');
  g.output('spikes', ['tn', k]);
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: 18 }],
    graph: g.toGraphProto('neuron'),
  });
}

function neuron(name: string, options: Record<string, unknown>): Neuron {
  return makeRegistry().create('neuron', name, options).create() as Neuron;
}

/** Spikes of `n` on the current [T, 1, K] in ORT and in tfjs (unfused, the reference path). */
async function spikesOf(
  n: Neuron,
  steps: number[][],
): Promise<{ ort: number[][]; tfjs: number[][] }> {
  const t = steps.length;
  const k = steps[0]!.length;
  const x = tf.tensor(steps, [t, k]);
  const got = await runOrt(neuronModel(n, t, k), { current: x });
  const ref = tf.tidy(() =>
    n
      .forward(tf.reshape(x, [t, 1, k]))
      .reshape([t, k])
      .arraySync(),
  );
  n.resetState();
  x.dispose();
  const rows = Array.from({ length: t }, (_, i) =>
    Array.from(got.spikes!.data.slice(i * k, (i + 1) * k)),
  );
  return { ort: rows, tfjs: ref as number[][] };
}

describe('neurons as ONNX ops: hand-computed spikes, exact threshold crossings', () => {
  it('LIF (τ = 2, undecayed input, hard reset) fires when H equals θ', async () => {
    // H: 0.5 (= θ: spike, V → 0), 0.25, 0.25 − 0.125 + 0.25 = 0.375, 0.375 − 0.1875 + 0.6 = 0.7875
    const n = neuron('lif', { tau: 2, threshold: 0.5, decayInput: false });
    const { ort, tfjs } = await spikesOf(n, [[0.5], [0.25], [0.25], [0.6]]);
    expect(ort).toEqual([[1], [0], [0], [1]]);
    expect(tfjs).toEqual(ort);
  });

  it('LIF soft reset keeps what exceeds θ', async () => {
    // decayInput, τ = 2: H = V + (X − V)/2. H₁ = 1 → spike, V = 0; H₂ = 0.5 → spike (= θ), V = 0; H₃ = 0.2
    const n = neuron('lif', { tau: 2, threshold: 0.5, vReset: null });
    const { ort, tfjs } = await spikesOf(n, [[2], [1], [0.4]]);
    expect(ort).toEqual([[1], [1], [0]]);
    expect(tfjs).toEqual(ort);
  });

  it('IF integrates without leak', async () => {
    const n = neuron('if', { threshold: 1 });
    const { ort, tfjs } = await spikesOf(n, [[0.25], [0.25], [0.5], [0.75]]);
    expect(ort).toEqual([[0], [0], [1], [0]]);
    expect(tfjs).toEqual(ort);
  });

  it("snnTorch's Leaky does not fire when U equals θ (strict), and resets a step late", async () => {
    // β = 0.5, θ = 1: U₁ = 1 (no spike), U₂ = 0.5 + 1 = 1.5 (spike), U₃ = 0.75 + 0.5 − 1 = 0.25
    const n = neuron('leaky', { beta: 0.5, threshold: 1 });
    const { ort, tfjs } = await spikesOf(n, [[1], [1], [0.5]]);
    expect(ort).toEqual([[0], [1], [0]]);
    expect(tfjs).toEqual(ort);
  });

  it('ALIF raises its threshold after a spike', async () => {
    // θ₀ = 0.5, b = 1, τ_a = 2, IF-like charge with decayInput false, τ = 2 (V resets to 0):
    // t1: H = 0.5 ≥ 0.5 spike, A = 1; t2: θ = 1.5, H = 0.5 no spike; t3: θ = 1, H = 0.25 + 1 = 1.25 spike
    const n = neuron('alif', {
      tau: 2,
      threshold: 0.5,
      adaptation: 1,
      tauAdapt: 2,
      decayInput: false,
    });
    const { ort, tfjs } = await spikesOf(n, [[0.5], [0.5], [1]]);
    expect(ort).toEqual([[1], [0], [1]]);
    expect(tfjs).toEqual(ort);
  });

  it('many neurons, random currents: ORT and tfjs agree spike for spike', async () => {
    for (const [name, options] of [
      ['lif', { tau: 2, threshold: 0.15, decayInput: false }],
      ['plif', { threshold: 0.3 }],
      ['leaky', { beta: 0.9, threshold: 0.5, resetMechanism: 'zero', resetDelay: false }],
    ] as const) {
      const n = neuron(name, options);
      const x = tf.tidy(() => tf.randomNormal([6, 500], 0.1, 0.3, 'float32', 2).arraySync());
      const { ort, tfjs } = await spikesOf(n, x as number[][]);
      expect(ort, name).toEqual(tfjs);
    }
  });
});
