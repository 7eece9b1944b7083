import {
  BadOptionsError,
  type Registry,
  selectBackend,
  tf,
  UnknownPluginError,
} from '@spikedistill/core';
import { type ConformanceCheck, conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { describe, expect } from 'vitest';
import type { NeuronFactory } from '../kinds.js';
import type { Neuron } from '../neurons/neuron.js';

const T = 4;
const SHAPE = [2, 3, 2];

/** A sequence that drives neurons of threshold θ above and below threshold. */
function drive(threshold: number, seed = 7): tf.Tensor {
  return tf.randomUniform([T, ...SHAPE], -0.5 * threshold, 3 * threshold, 'float32', seed);
}

function stepwise(neuron: Neuron, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.stack(tf.unstack(x).map((xt) => neuron.step(xt))));
}

function stateValues(neuron: Neuron): Record<string, number[]> {
  const s = neuron.currentState() ?? {};
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, [...v.dataSync()]]));
}

const factoryOf = (instance: unknown) => instance as NeuronFactory;

/** The checks every `neuron` plugin must pass. */
export const neuronChecks: readonly ConformanceCheck[] = [
  {
    name: 'single-step and multi-step give the same spikes and state',
    run: ({ instance }) => {
      const factory = factoryOf(instance);
      const neuron = factory.create();
      const x = drive(factory.threshold);
      const multi = neuron.forward(x);
      expect(multi.shape).toEqual(x.shape);
      const stateMulti = stateValues(neuron);
      neuron.resetState();
      const single = stepwise(neuron, x);
      const stateSingle = stateValues(neuron);
      expect([...multi.dataSync()]).toEqual([...single.dataSync()]);
      for (const [k, v] of Object.entries(stateMulti)) {
        const w = stateSingle[k]!;
        v.forEach((a, i) => {
          expect(a).toBeCloseTo(w[i]!, 5);
        });
      }
      const count = tf.tidy(() => tf.sum(multi).dataSync()[0]!);
      expect(count, 'the test input makes some spikes').toBeGreaterThan(0);
      tf.dispose([x, multi, single]);
      neuron.dispose();
    },
  },
  {
    name: 'resetState() restores the initial state',
    run: ({ instance }) => {
      const factory = factoryOf(instance);
      const x = drive(factory.threshold);
      const x0 = tf.tidy(() => tf.unstack(x)[0]!);
      // What a brand-new layer does on its first step…
      const fresh = factory.create();
      tf.dispose(fresh.step(x0));
      const freshState = stateValues(fresh);
      fresh.dispose();
      // …a used layer must do again after resetState().
      const neuron = factory.create();
      const first = neuron.forward(x);
      tf.dispose(neuron.forward(x));
      neuron.resetState();
      expect(neuron.currentState()).toBeUndefined();
      expect(neuron.timestep).toBe(0);
      tf.dispose(neuron.step(x0));
      const afterReset = stateValues(neuron);
      for (const [k, v] of Object.entries(freshState)) {
        expect(afterReset[k], `state '${k}' after a reset`).toEqual(v);
      }
      neuron.resetState();
      const again = neuron.forward(x);
      expect([...again.dataSync()]).toEqual([...first.dataSync()]);
      tf.dispose([x, x0, first, again]);
      neuron.dispose();
    },
  },
  {
    name: 'backpropagates through time to the input and every trainable parameter',
    run: ({ instance }) => {
      const factory = factoryOf(instance);
      const neuron = factory.create();
      const x = drive(factory.threshold, 11);
      const r = tf.randomUniform(x.shape, 0.5, 1.5, 'float32', 5);
      const loss = (input: tf.Tensor) => {
        neuron.resetState();
        const out = tf.sum(tf.mul(neuron.forward(input), r)) as tf.Scalar;
        neuron.resetState();
        return out;
      };
      const gx = tf.grad(loss)(x);
      expect(tf.tidy(() => tf.sum(tf.abs(gx)).dataSync()[0]!)).toBeGreaterThan(0);
      const params = neuron.trainableVariables();
      if (params.length) {
        const { value, grads } = tf.variableGrads(() => loss(x), params);
        for (const [name] of neuron.namedParameters()) {
          const v = params.find((p) => neuron.stateDict().get(name) === p);
          if (!v) continue;
          const g = grads[v.name];
          expect(g, `gradient of ${name}`).toBeDefined();
          expect(
            tf.tidy(() => tf.sum(tf.abs(g!)).dataSync()[0]!),
            name,
          ).toBeGreaterThan(0);
        }
        tf.dispose([value, ...Object.values(grads)]);
      }
      tf.dispose([x, r, gx]);
      neuron.dispose();
    },
  },
  {
    name: 'leaks no tensors (forward, backward, reset, dispose)',
    run: async ({ instance }) => {
      const factory = factoryOf(instance);
      const x = drive(factory.threshold);
      await expectNoLeaks(() => {
        const neuron = factory.create();
        neuron.monitor.enabled = true;
        tf.dispose(neuron.forward(x));
        const x0 = tf.tidy(() => tf.unstack(x)[0]!);
        tf.dispose([neuron.step(x0), x0]);
        neuron.resetState();
        const g = tf.grad((input: tf.Tensor) => {
          const s = tf.sum(neuron.forward(input)) as tf.Scalar;
          neuron.resetState();
          return s;
        })(x);
        g.dispose();
        neuron.monitor.reset();
        neuron.dispose();
      }, `neuron '${factory.name}'`);
      x.dispose();
    },
  },
  {
    name: 'invalid options give named errors (threshold ≤ 0, τ ≤ 1, unknown surrogate)',
    run: ({ registry, plugin, options }) => {
      const defaults = (registry.describe('neuron', plugin.name).defaults ?? {}) as Record<
        string,
        unknown
      >;
      const create = (extra: Record<string, unknown>) =>
        registry.create('neuron', plugin.name, { ...options, ...extra });
      if ('threshold' in defaults) {
        expect(() => create({ threshold: 0 })).toThrow(BadOptionsError);
        expect(() => create({ threshold: -1 })).toThrow(/threshold/);
      }
      for (const key of Object.keys(defaults).filter((k) => /tau/i.test(k))) {
        if (typeof defaults[key] !== 'number') continue;
        expect(() => create({ [key]: -2 }), key).toThrow(BadOptionsError);
        expect(() => create({ [key]: 0.5 }), key).toThrow(new RegExp(key));
      }
      if ('surrogate' in defaults) {
        let error: unknown;
        try {
          create({ surrogate: 'no-such-surrogate' });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(UnknownPluginError);
        const message = (error as Error).message;
        expect(message).toContain('no-such-surrogate');
        for (const known of registry.list('surrogate')) expect(message).toContain(known);
        expect(message).toContain('options.surrogate');
      }
    },
  },
];

export interface NeuronConformanceOptions {
  /** Backends to run the checks on (each gets its own describe block). */
  backends?: readonly string[];
  skip?: readonly string[];
  options?: Record<string, Record<string, unknown>>;
}

/**
 * Registers the neuron conformance tests for every `neuron` plugin of the
 * registry, once per backend. The registry must hold core's backends.
 */
export function neuronConformance(
  makeRegistry: () => Registry,
  opts: NeuronConformanceOptions = {},
): void {
  for (const backend of opts.backends ?? ['cpu', 'wasm']) {
    describe(`on ${backend}`, () => {
      const registry = makeRegistry();
      conformance(() => registry, 'neuron', {
        checks: neuronChecks,
        ...(opts.skip ? { skip: opts.skip } : {}),
        ...(opts.options ? { options: opts.options } : {}),
        setup: async () => {
          if (tf.getBackend() !== backend) await selectBackend(registry, backend);
        },
      });
    });
  }
}
