import { corePackage, createRegistry, tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { collectFiringRates, enableMonitors, neuronsPackage, SpikingConvBlock } from './index.js';

// The README's example, kept runnable.
describe('README example', () => {
  it('runs as documented', () => {
    const registry = createRegistry({ packages: [corePackage, neuronsPackage], seed: 1 });
    const lif = registry.createFrom('neuron', {
      name: 'lif',
      options: { tau: 2, threshold: 0.15, decayInput: false },
    });
    const block = new SpikingConvBlock({
      inChannels: 3,
      outChannels: 16,
      neuron: lif,
      norm: 'tdbn',
    });
    const image = tf.randomUniform([2, 32, 32, 3]);
    const x = registry.create('encoder', 'direct').encode(image, 4);
    enableMonitors(block);
    const spikes = block.forward(x);
    expect(spikes.shape).toEqual([4, 2, 32, 32, 16]);
    block.resetState();
    const rate = collectFiringRates(block).get('neuron')!;
    expect(rate.perStep).toHaveLength(4);
    expect(rate.rate).toBeGreaterThan(0);
    expect(rate.rate).toBeLessThan(1);
    tf.dispose([image, x, spikes]);
    block.dispose();
  });
});
