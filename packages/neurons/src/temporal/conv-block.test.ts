import { Rng, tf } from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { describe, expect, it } from 'vitest';
import { neuronsRegistry } from '../testing/registry.js';
import { SpikingConvBlock } from './conv-block.js';

describe('SpikingConvBlock', () => {
  const registry = neuronsRegistry();
  const lif = registry.createFrom('neuron', { name: 'lif', options: { threshold: 0.15 } });

  it('maps [T, N, H, W, C] to spikes [T, N, H/s, W/s, C_out] and names its members', async () => {
    const block = new SpikingConvBlock({
      inChannels: 3,
      outChannels: 4,
      stride: 2,
      neuron: lif,
      rng: new Rng(1),
    });
    expect([...block.stateDict().keys()].sort()).toEqual([
      'conv.weight',
      'norm.bias',
      'norm.runningMean',
      'norm.runningVar',
      'norm.weight',
    ]);
    expect(block.conv.weight.shape).toEqual([3, 3, 3, 4]);
    expect(block.norm?.scale).toBe(0.15);
    await expectNoLeaks(() => {
      const x = tf.randomUniform([4, 2, 8, 8, 3], 0, 1, 'float32', 2);
      const y = block.forward(x);
      expect(y.shape).toEqual([4, 2, 4, 4, 4]);
      const values = new Set(y.dataSync());
      expect([...values].every((v) => v === 0 || v === 1)).toBe(true);
      tf.dispose([x, y]);
      block.resetState();
    });
    block.dispose();
  });

  it('backpropagates through time to the conv weights and the input', async () => {
    const block = new SpikingConvBlock({ inChannels: 2, outChannels: 3, neuron: lif, norm: 'bn' });
    const x = tf.randomUniform([3, 2, 5, 5, 2], 0, 1, 'float32', 4);
    await expectNoLeaks(() => {
      const { grads, value } = tf.variableGrads(() => {
        block.resetState();
        const out = tf.mean(block.forward(x)) as tf.Scalar;
        block.resetState();
        return out;
      });
      for (const [name, g] of Object.entries(grads)) {
        expect(
          tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]),
          name,
        ).toBeGreaterThan(0);
      }
      expect(Object.keys(grads)).toHaveLength(3);
      tf.dispose([value, ...Object.values(grads)]);
    });
    x.dispose();
    block.dispose();
  });

  it('without norm uses a conv bias', () => {
    const block = new SpikingConvBlock({
      inChannels: 1,
      outChannels: 1,
      neuron: lif,
      norm: 'none',
    });
    expect(block.norm).toBeUndefined();
    expect(block.conv.bias).toBeDefined();
    block.dispose();
  });

  it('takes a skip concatenation as a list of inputs, and gives spikes with their current', async () => {
    const block = new SpikingConvBlock({
      inChannels: 5,
      outChannels: 3,
      neuron: lif,
      norm: 'bn',
      rng: new Rng(2),
      init: 'kaiming',
    });
    expect(block.conv.bias).toBeUndefined();
    const a = tf.randomUniform([2, 2, 6, 6, 2], 0, 1, 'float32', 5);
    const b = tf.randomUniform([2, 2, 6, 6, 3], 0, 1, 'float32', 6);
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const whole = block.current(tf.concat([a, b], -1));
        const parts = block.current([a, b]);
        expect(tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]).toBeLessThan(1e-5);
        const spikes = block.forward([a, b]);
        block.resetState();
        const both = block.forwardWithCurrent([a, b]);
        block.resetState();
        expect(both.spikes.dataSync()).toEqual(spikes.dataSync());
        expect(both.current.dataSync()).toEqual(parts.dataSync());
      });
    });
    expect(() => block.current([a, a])).toThrow(
      'SpikingConvBlock: expected shape [T, N, H, W, 5], got [2, 2, 6, 6, 4]',
    );
    tf.dispose([a, b]);
    block.dispose();
  });
});
