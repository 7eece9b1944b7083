import { tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { smoothSurrogate } from '../surrogates/surrogate.js';
import { neuronsRegistry } from '../testing/registry.js';
import { LifNeuron, type LifOptions } from './lif.js';
import type { Neuron } from './neuron.js';
import { PlifNeuron } from './plif.js';

const registry = neuronsRegistry();
const sigmoid = registry.create('surrogate', 'sigmoid', { alpha: 4 });
const base: LifOptions = { tau: 2, threshold: 1, vReset: 0, decayInput: true, detachReset: false };
// Loss weights per step, so that gradients through time are told apart from per-step ones.
const weights = tf.tensor([1, 2, 3], [3, 1, 1]);

function loss(neuron: Neuron, x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    neuron.resetState();
    const out = tf.sum(tf.mul(neuron.forward(x), weights)) as tf.Scalar;
    neuron.resetState();
    return out;
  });
}

/** Central finite differences of `f` at `x` (float32, so a coarse step). */
function numericGrad(f: (x: tf.Tensor) => number, x: tf.Tensor, eps = 2e-3): number[] {
  const values = x.dataSync();
  return [...values].map((_, i) => {
    const at = (d: number) => {
      const v = Float32Array.from(values);
      v[i]! += d;
      const t = tf.tensor(v, x.shape);
      const y = f(t);
      t.dispose();
      return y;
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

// Three steps, four independent neurons: inputs around the threshold.
const x = tf.tensor([2.4, 1.3, 0.9, 1.7, 0.8, 1.1, 1.6, 0.2, 1.6, 0.7, 1.9, 1.2], [3, 1, 4]);

describe('backpropagation through time, LIF (3 steps)', () => {
  // (detachReset is not a derivative of the forward function, so it is checked by hand below.)
  const variants: Array<[string, Partial<LifOptions>]> = [
    ['hard reset, decayInput', {}],
    ['soft reset', { vReset: null }],
    ['no decayInput', { decayInput: false }],
    ['V_r = −0.2', { vReset: -0.2 }],
  ];
  for (const [label, options] of variants) {
    it(`matches finite differences of the graph with the surrogate as its forward (${label})`, () => {
      const neuron = new LifNeuron({ ...base, ...options }, smoothSurrogate(sigmoid));
      const autograd = tf.grad((input: tf.Tensor) => loss(neuron, input))(x);
      const numeric = numericGrad((input) => {
        const l = loss(neuron, input);
        const v = l.dataSync()[0]!;
        l.dispose();
        return v;
      }, x);
      const got = [...autograd.dataSync()];
      got.forEach((g, i) => {
        expect(Math.abs(g - numeric[i]!), `x[${i}]: ${g} vs ${numeric[i]}`).toBeLessThan(3e-3);
      });
      expect(got.some((g) => Math.abs(g) > 0.05)).toBe(true);
      autograd.dispose();
      neuron.dispose();
    });
  }

  it('PLIF: the gradient of w matches finite differences too', () => {
    const neuron = new PlifNeuron(
      { initTau: 2, threshold: 1, vReset: 0, decayInput: true, detachReset: false },
      smoothSurrogate(sigmoid),
    );
    const { grads, value } = tf.variableGrads(() => loss(neuron, x), [neuron.w]);
    const w0 = neuron.w.dataSync()[0]!;
    const at = (w: number) => {
      neuron.w.assign(tf.scalar(w));
      const l = loss(neuron, x);
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    };
    const eps = 2e-3;
    const numeric = (at(w0 + eps) - at(w0 - eps)) / (2 * eps);
    neuron.w.assign(tf.scalar(w0));
    const g = grads[neuron.w.name]!.dataSync()[0]!;
    expect(Math.abs(g - numeric)).toBeLessThan(3e-3);
    expect(Math.abs(g)).toBeGreaterThan(0.05);
    tf.dispose([value, ...Object.values(grads)]);
    neuron.dispose();
  });

  it('equals the hand-derived gradient (Heaviside forward, sigmoid surrogate)', () => {
    // One neuron, x = 2.4, 0.8, 1.6, L = S1 + S2 + S3, τ = 2, θ = 1, V_r = 0:
    //   H1 = x1/2 = 1.2 → S1 = 1, V1 = (1 − S1)·H1 = 0
    //   H2 = (V1 + x2)/2 = 0.4 → S2 = 0, V2 = 0.4
    //   H3 = (V2 + x3)/2 = 1.0 → S3 = 1 (H = θ fires)
    // With g_t = g'(H_t − θ) and ∂V/∂H = (1 − S) − H·g (the reset path; only (1 − S) if detached):
    //   ∂L/∂H3 = g3;  ∂L/∂H2 = g2 + (g3/2)·∂V2/∂H2;  ∂L/∂H1 = g1 + (∂L/∂H2 / 2)·∂V1/∂H1
    //   ∂L/∂x_t = ∂L/∂H_t / 2
    const g = (u: number) => {
      const s = 1 / (1 + Math.exp(-4 * u));
      return 4 * s * (1 - s);
    };
    const [g1, g2, g3] = [g(0.2), g(-0.6), g(0)];
    for (const detachReset of [false, true]) {
      const dV1 = 1 - 1 - (detachReset ? 0 : 1.2 * g1);
      const dV2 = 1 - 0 - (detachReset ? 0 : 0.4 * g2);
      const dH3 = g3;
      const dH2 = g2 + (dH3 / 2) * dV2;
      const dH1 = g1 + (dH2 / 2) * dV1;
      const want = [dH1 / 2, dH2 / 2, dH3 / 2];

      const neuron = new LifNeuron({ ...base, detachReset }, sigmoid);
      neuron.allowFused = false;
      const input = tf.tensor([2.4, 0.8, 1.6], [3, 1, 1]);
      const got = tf.grad((z: tf.Tensor) => {
        const out = tf.sum(neuron.forward(z)) as tf.Scalar;
        neuron.resetState();
        return out;
      })(input);
      const values = [...got.dataSync()];
      values.forEach((v, i) => {
        expect(v, `detachReset ${detachReset}, x${i + 1}`).toBeCloseTo(want[i]!, 5);
      });
      expect(want[0]).not.toBeCloseTo(want[1]!, 2);
      tf.dispose([input, got]);
      neuron.dispose();
    }
  });
});

describe('backpropagation through a single step (T = 1), unfused', () => {
  it('gives the surrogate gradient, as the step it is', () => {
    const neuron = new LifNeuron(base, sigmoid);
    neuron.allowFused = false;
    const input = tf.tensor([0.6, 2.4], [1, 2]);
    const got = tf.grad((z: tf.Tensor) => {
      const out = tf.sum(neuron.forward(z)) as tf.Scalar;
      neuron.resetState();
      return out;
    })(input);
    // H = x/τ; dS/dx = g(H − θ)/τ with the sigmoid surrogate (α = 4).
    const g = (u: number) => {
      const s = 1 / (1 + Math.exp(-4 * u));
      return 4 * s * (1 - s);
    };
    const values = [...got.dataSync()];
    expect(values[0]).toBeCloseTo(g(0.3 - 1) / 2, 5);
    expect(values[1]).toBeCloseTo(g(1.2 - 1) / 2, 5);
    tf.dispose([input, got]);
    neuron.dispose();
  });
});
