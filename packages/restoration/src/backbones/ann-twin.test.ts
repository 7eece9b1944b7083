import { createRegistry, tf } from '@spikedistill/core';
import { conformance } from '@spikedistill/core/testing';
import { register as registerNeurons } from '@spikedistill/neurons';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { forwardChecks } from '../testing/backbone-checks.js';

const makeRegistry = (seed = 4) =>
  createRegistry({
    packages: [
      { name: 'neurons', register: registerNeurons },
      { name: 'r', register },
    ],
    seed,
  });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const trainable = (m: { trainableVariables(): tf.Variable[] }) =>
  m.trainableVariables().reduce((n, v) => n + v.size, 0);

describe('ANN twins of the spiking students (ann: true)', () => {
  // Hand counts, widths [w1, w2, w3], gray: each block is a 3×3 conv without
  // bias + a norm's γ, β; the decoders take the skip's channels too; the head
  // is a 3×3 conv with bias. [4, 8, 16]: 44 + 304 + 1184 + 1744 + 440 + 37.
  const cases = [
    { name: 'spiking-unet', options: {}, params: 3_753 },
    { name: 'spiking-unet', options: { widths: [16, 32, 64] }, params: 58_209 },
    { name: 'spiking-dncnn', options: {}, params: 3_713 },
  ] as const;

  for (const { name, options, params } of cases) {
    it(`${name} ${JSON.stringify(options)}: the parameters of the spiking student (${params}), same names, shapes and initial conv weights`, () => {
      const spiking = makeRegistry().create('backbone', name, options);
      const twin = makeRegistry().create('backbone', name, { ...options, ann: true });
      expect(trainable(spiking)).toBe(params);
      expect(trainable(twin)).toBe(params);
      const shapes = (m: typeof twin) => m.namedParameters().map(([n, v]) => [n, v.shape]);
      expect(shapes(twin)).toEqual(shapes(spiking));
      const a = new Map(spiking.namedParameters());
      for (const [n, v] of twin.namedParameters()) {
        if (!n.endsWith('conv.weight')) continue;
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(v, a.get(n)!))).dataSync()[0]);
        expect(diff, n).toBe(0);
      }
      spiking.dispose();
      twin.dispose();
    });
  }

  it('is not spiking, runs one step whatever `timesteps` says, and has no neurons', () => {
    const twin = makeRegistry().create('backbone', 'spiking-unet', { ann: true, timesteps: 4 });
    expect(twin.spiking).toBe(false);
    expect(twin.timesteps).toBe(1);
    expect(twin.modules().filter(([p]) => p.endsWith('neuron'))).toEqual([]);
    expect(twin.tapInfo.every((t) => !t.temporal)).toBe(true);
    expect([...twin.stateDict().keys()]).toContain('dec1.norm.runningVar');
    twin.dispose();
  });

  it('taps are [N, H/s, W/s, C]: ReLU activations, or the current before them', () => {
    const registry = makeRegistry();
    const make = (tapSignal: 'spikes' | 'current') =>
      registry.create('backbone', 'spiking-unet', { ann: true, widths: [4, 4, 8], tapSignal });
    const [acts, currents] = [make('spikes'), make('current')];
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 2);
    const a = acts.forward(x, { taps: ['dec1', 'latent'], training: false });
    const c = currents.forward(x, { taps: ['dec1', 'latent'], training: false });
    expect(a.taps['dec1']!.shape).toEqual([2, 8, 8, 4]);
    expect(a.taps['latent']!.shape).toEqual([2, 2, 2, 8]);
    // Same seed, same weights: the activations are the ReLU of the currents.
    for (const tap of ['dec1', 'latent']) {
      const diff = tf.tidy(
        () => tf.max(tf.abs(tf.sub(a.taps[tap]!, tf.relu(c.taps[tap]!)))).dataSync()[0]!,
      );
      expect(diff, tap).toBeLessThan(1e-6);
    }
    const values = a.taps['dec1']!.dataSync();
    expect(Math.min(...values)).toBe(0);
    expect(new Set(values).size, 'analog, not spikes').toBeGreaterThan(10);
    expect(new Set(c.taps['dec1']!.dataSync()).size).toBeGreaterThan(10);
    tf.dispose([x, a.output, c.output, ...Object.values(a.taps), ...Object.values(c.taps)]);
    acts.dispose();
    currents.dispose();
  });

  it('computes x − head(ReLU(conv(ReLU(conv(x))))) (spiking-dncnn twin, no norm), by plain tf ops', () => {
    const twin = makeRegistry().create('backbone', 'spiking-dncnn', {
      ann: true,
      depth: 3,
      width: 3,
      norm: 'none',
    });
    const x = tf.randomUniform([2, 7, 5, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const s = twin.stateDict();
    const conv = (h: tf.Tensor4D, layer: string) =>
      tf.add(
        tf.conv2d(h, s.get(`${layer}.weight`) as tf.Tensor4D, 1, 'same'),
        s.get(`${layer}.bias`)!,
      ) as tf.Tensor4D;
    const expected = tf.tidy(() =>
      tf.sub(x, conv(tf.relu(conv(tf.relu(conv(x, 'block1.conv')), 'block2.conv')), 'head')),
    );
    const { output } = twin.forward(x, { training: false });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(output, expected))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, output, expected]);
    twin.dispose();
  });
});

// The registry-driven backbone checks (forward shapes, taps, errors, backward
// to every variable, no leaks) once more for the students as ANN twins.
const twins = {
  'spiking-unet': { ann: true, widths: [4, 4, 8] },
  'spiking-dncnn': { ann: true, depth: 4, width: 4 },
};
describe('ANN twins on cpu', () => {
  conformance(makeRegistry, 'backbone', {
    options: twins,
    skip: makeRegistry()
      .list('backbone')
      .filter((n) => !(n in twins)),
    checks: forwardChecks({ backward: () => true }),
  });
});
