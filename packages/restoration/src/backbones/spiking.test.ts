import { createRegistry, tf } from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';

const makeRegistry = () =>
  createRegistry({
    packages: [
      { name: 'neurons', register: registerNeurons },
      { name: 'r', register },
    ],
    seed: 5,
  });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const trainable = (m: { trainableVariables(): tf.Variable[] }) =>
  m.trainableVariables().reduce((n, v) => n + v.size, 0);

describe('spiking students', () => {
  const registry = makeRegistry();

  it('have at most 1/100 of the default dncnn teacher’s parameters', () => {
    const teacher = trainable(registry.create('backbone', 'dncnn'));
    for (const name of ['spiking-dncnn', 'spiking-unet']) {
      const student = registry.create('backbone', name);
      const n = trainable(student);
      console.log(
        `${name}: ${n} trainable parameters (dncnn: ${teacher}, ratio 1/${(teacher / n).toFixed(0)})`,
      );
      expect(n).toBeLessThanOrEqual(teacher / 100);
      expect(student.spiking).toBe(true);
      expect(student.timesteps).toBe(4);
      student.dispose();
    }
  });

  it('default to the H-KD neuron: LIF τ=2, θ=0.15, hard reset to 0, sigmoid surrogate, tdBN', () => {
    const student = registry.create('backbone', 'spiking-unet');
    const neuron = student.modules().find(([p]) => p === 'enc1.neuron')![1] as unknown as {
      kind: string;
      threshold: number;
      options: Record<string, unknown>;
      surrogate: { name: string };
    };
    expect(neuron.kind).toBe('lif');
    expect(neuron.threshold).toBe(0.15);
    expect(neuron.options).toMatchObject({ tau: 2, vReset: 0, decayInput: false });
    expect(neuron.surrogate.name).toBe('sigmoid');
    expect([...student.stateDict().keys()]).toContain('enc1.norm.runningVar');
    student.dispose();
  });

  it('output = input + conv(mean over T of the dec1 spikes) (spiking-unet)', () => {
    const student = registry.create('backbone', 'spiking-unet', {
      widths: [4, 4, 8],
      timesteps: 3,
    });
    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 2);
    const { output, taps } = student.forward(x, { taps: ['dec1'], training: false });
    const dec1 = taps['dec1']!;
    expect(dec1.shape).toEqual([3, 1, 8, 8, 4]);
    const values = new Set(dec1.dataSync());
    expect([...values].every((v) => v === 0 || v === 1)).toBe(true);
    const state = student.stateDict();
    const expected = tf.tidy(() =>
      tf.add(
        x,
        tf.add(
          tf.conv2d(
            tf.mean(dec1, 0) as tf.Tensor4D,
            state.get('head.weight') as tf.Tensor4D,
            1,
            'same',
          ),
          state.get('head.bias')!,
        ),
      ),
    );
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(output, expected))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, output, dec1, expected]);
    student.dispose();
  });

  it('records the input current instead of spikes with tapSignal: current', () => {
    const student = registry.create('backbone', 'spiking-dncnn', {
      depth: 5,
      width: 3,
      timesteps: 2,
      tapSignal: 'current',
    });
    const x = tf.randomUniform([1, 6, 6, 1], 0, 1, 'float32', 3);
    const { output, taps } = student.forward(x, { taps: ['q1', 'q4'] });
    expect(taps['q4']!.shape).toEqual([2, 1, 6, 6, 3]);
    expect(new Set(taps['q1']!.dataSync()).size).toBeGreaterThan(2);
    tf.dispose([x, output, ...Object.values(taps)]);
    student.dispose();
  });

  it('names the config path of an unknown neuron and lists the registered ones', () => {
    expect(() =>
      registry.create('backbone', 'spiking-dncnn', { neuron: { name: 'lifx' } }, 'student'),
    ).toThrow(
      /Unknown neuron plugin 'lifx' at student\.options\.neuron\. Did you mean 'lif'\?.*lif/,
    );
  });
});
