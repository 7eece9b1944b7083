import * as wasmTrain from '@spikedistill/backend-wasm-train';
import { installCpuFusedLif } from '@spikedistill/backend-wasm-train/testing';
import { corePackage, createRegistry, hasFusedLif, selectBackend, tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { neuronsPackage } from '../register.js';
import { surrogatePlugins } from '../surrogates/index.js';
import { IfNeuron } from './if.js';
import { LifNeuron, type LifOptions } from './lif.js';
import type { Neuron } from './neuron.js';

// The fused multi-step kernel (installed by @spikedistill/backend-wasm-train's
// wasm backend; on cpu, its test-only JavaScript reference) must give the
// unfused reference's numbers: spikes, final membrane, and gradients through
// time. A missing kernel fails the tests: they must never pass by skipping.
const registry = createRegistry({
  packages: [
    corePackage,
    neuronsPackage,
    { name: wasmTrain.packageName, register: wasmTrain.register },
  ],
});

async function activate(backend: string): Promise<void> {
  await selectBackend(registry, backend);
  // The cpu backend itself stays unfused; the tests compare against its reference kernel.
  if (backend === 'cpu') installCpuFusedLif();
  expect(hasFusedLif(), `the fused LIF kernel is registered on '${backend}'`).toBe(true);
}

function run(neuron: Neuron, x: tf.Tensor, r: tf.Tensor) {
  const spikes = neuron.forward(x);
  const v = [...neuron.currentState()!.v!.dataSync()];
  neuron.resetState();
  const grad = tf.grad((z: tf.Tensor) => {
    const out = tf.sum(tf.mul(neuron.forward(z), r)) as tf.Scalar;
    neuron.resetState();
    return out;
  })(x);
  const result = { spikes: [...spikes.dataSync()], v, grad: [...grad.dataSync()] };
  tf.dispose([spikes, grad]);
  return result;
}

const cases: Array<[string, Partial<LifOptions>]> = [
  ['hard reset, decayInput', {}],
  ['soft reset', { vReset: null }],
  ['no decayInput, V_r = −0.1', { decayInput: false, vReset: -0.1 }],
  ['detachReset, τ = 3', { detachReset: true, tau: 3 }],
];

for (const backend of ['cpu', 'wasm']) {
  describe(`fused LIF kernel vs the unfused reference, on ${backend}`, () => {
    for (const plugin of surrogatePlugins) {
      for (const [label, options] of cases) {
        it(`${plugin.name} surrogate, ${label}`, async () => {
          await activate(backend);
          const surrogate = registry.create('surrogate', plugin.name);
          const lifOptions: LifOptions = {
            tau: 2,
            threshold: 1,
            vReset: 0,
            decayInput: true,
            detachReset: false,
            ...options,
          };
          const x = tf.randomUniform([5, 2, 3, 4], -0.5, 3, 'float32', 9);
          const r = tf.randomUniform(x.shape, 0.5, 1.5, 'float32', 10);
          const fused = new LifNeuron(lifOptions, surrogate);
          const reference = new LifNeuron(lifOptions, surrogate);
          reference.allowFused = false;
          const a = run(fused, x, r);
          const b = run(reference, x, r);
          expect(fused.fusedCalls).toBe(2);
          expect(reference.fusedCalls).toBe(0);
          expect(a.spikes).toEqual(b.spikes);
          a.v.forEach((v, i) => {
            expect(v).toBeCloseTo(b.v[i]!, 5);
          });
          a.grad.forEach((g, i) => {
            expect(Math.abs(g - b.grad[i]!), `dL/dx[${i}]`).toBeLessThan(1e-4);
          });
          tf.dispose([x, r]);
        });
      }
    }
    it('monitors record the same rates and membrane statistics', async () => {
      await activate(backend);
      const surrogate = registry.create('surrogate', 'sigmoid');
      const options: LifOptions = {
        tau: 2,
        threshold: 1,
        vReset: 0,
        decayInput: true,
        detachReset: false,
      };
      const x = tf.randomUniform([4, 3, 6], 0, 3, 'float32', 12);
      const stats = (allowFused: boolean) => {
        const neuron = new LifNeuron(options, surrogate);
        neuron.allowFused = allowFused;
        neuron.monitor.enabled = true;
        tf.dispose(neuron.forward(x));
        tf.dispose(neuron.forward(x)); // continues from the state: steps 4..7
        neuron.resetState();
        const out = { rate: neuron.monitor.firingRate(), membrane: neuron.monitor.membraneStats() };
        neuron.monitor.reset();
        return { out, fusedCalls: neuron.fusedCalls };
      };
      const a = stats(true);
      const b = stats(false);
      expect(a.fusedCalls).toBe(2);
      expect(a.out.rate).toEqual(b.out.rate);
      expect(a.out.rate.perStep).toHaveLength(8);
      expect(a.out.membrane.mean).toBeCloseTo(b.out.membrane.mean, 5);
      expect(a.out.membrane.std).toBeCloseTo(b.out.membrane.std, 5);
      x.dispose();
    });
    it('IF (τ = ∞) too', async () => {
      await activate(backend);
      const surrogate = registry.create('surrogate', 'atan');
      const options = { threshold: 1, vReset: 0, detachReset: false };
      const x = tf.randomUniform([4, 3, 5], -0.5, 1.5, 'float32', 3);
      const r = tf.onesLike(x);
      const fused = new IfNeuron(options, surrogate);
      const reference = new IfNeuron(options, surrogate);
      reference.allowFused = false;
      const a = run(fused, x, r);
      const b = run(reference, x, r);
      expect(fused.fusedCalls).toBe(2);
      expect(a.spikes).toEqual(b.spikes);
      a.grad.forEach((g, i) => {
        expect(Math.abs(g - b.grad[i]!)).toBeLessThan(1e-4);
      });
      tf.dispose([x, r]);
    });
  });
}
