import {
  type Backbone,
  corePackage,
  createRegistry,
  type ForwardResult,
  Module,
  tf,
} from '@spikedistill/core';
import { classificationPackage } from '@spikedistill/classification';
import { conformance } from '@spikedistill/core/testing';
import { type Neuron, neuronsPackage } from '@spikedistill/neurons';
import { restorationPackage } from '@spikedistill/restoration';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnergyEstimator, LayerOps, NeuronOps } from './index.js';
import {
  countOps,
  formatEnergyTable,
  measureEnergy,
  register,
  SpikeTracker,
  toEnergyFile,
} from './index.js';

const registry = () => {
  const r = createRegistry({
    packages: [corePackage, neuronsPackage, restorationPackage, classificationPackage],
  });
  register(r);
  return r;
};

/**
 * A spiking net small enough to price by hand. Input [1, 1, 2, 1] = (1.0, 0.6),
 * repeated for T = 2 steps; conv1 1×1 1→4 (analog, fp32 weights 1, .5, .25, .8);
 * IF neurons (θ = 1, hard reset to 0); the spikes zero-padded by one column;
 * conv2 1×1 4→1 with ternary weights (on spikes); and conv3 1×1 1→4 on an
 * all-zero analog tensor, which must be priced as analog.
 */
class TinySnn extends Module implements Backbone {
  readonly inputChannels = 1;
  readonly outputChannels = 1;
  readonly spiking = true;
  readonly timesteps = 2;
  readonly sizeMultiple = 1;
  readonly tapInfo = [];
  readonly w1 = this.param('w1', tf.tensor4d([1, 0.5, 0.25, 0.8], [1, 1, 1, 4]));
  readonly w2 = this.param('w2', tf.tensor4d([0.5, -0.5, 0, 0.5], [1, 1, 4, 1]));
  readonly w3 = this.param('w3', tf.tensor4d([0.1, 0.2, 0.3, 0.4], [1, 1, 1, 4]));
  readonly neuron: Neuron;
  constructor() {
    super();
    const factory = registry().create('neuron', 'if', { threshold: 1 });
    this.neuron = this.child('lif1', factory.create());
  }
  forward(x: tf.Tensor): ForwardResult {
    return tf.tidy(() => {
      const [n, h, w] = x.shape as [number, number, number, number];
      const steps = tf.tile(x, [2, 1, 1, 1]) as tf.Tensor4D;
      const current = tf.conv2d(steps, this.w1, 1, 'valid');
      const spikes = this.neuron.forward(tf.reshape(current, [2, n, h, w, 4]));
      const padded = tf.pad(tf.reshape(spikes, [2 * n, h, w, 4]), [
        [0, 0],
        [0, 0],
        [0, 1],
        [0, 0],
      ]) as tf.Tensor4D;
      const out = tf.conv2d(padded, this.w2, 1, 'valid');
      const silent = tf.conv2d(tf.zeros([n, h, w, 1]) as tf.Tensor4D, this.w3, 1, 'valid');
      return {
        output: tf.add(tf.mean(tf.reshape(out, [2, n, h, w + 1, 1]), 0), tf.sum(silent)),
        taps: {},
      };
    });
  }
}

describe('countOps', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('counts dense MACs, input density and weight bits of each conv', () => {
    const input = tf.tensor4d(
      [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
      [1, 2, 5, 2],
    );
    const ternary = tf.tensor4d(
      Array.from({ length: 72 }, (_, i) => [-0.3, 0, 0.3][i % 3]!),
      [3, 3, 2, 4],
    );
    const float = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
    const ops = countOps(() => {
      tf.tidy(() => {
        tf.conv2d(input, ternary, 1, 'same');
        tf.conv2d(input, float, 2, 'valid');
      });
    });
    expect(ops).toHaveLength(2);
    expect(ops[0]).toMatchObject({
      macs: 2 * 5 * 4 * 9 * 2,
      inputDensity: 0.4,
      spikeInput: false,
      weights: 72,
      weightBits: 2,
    });
    expect(ops[0]!.label).toBe('conv#0 3×3 2→4 @2×5');
    // valid, stride 2 on 2×5 with a 3×3 filter has no output row: 0 MACs
    expect(ops[1]).toMatchObject({ macs: 0, spikeInput: false, weightBits: 32 });
    tf.dispose([input, ternary, float]);
  });

  it('decides spiking from where the input came from, not from its values', () => {
    const zeros = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const ones = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const filter = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
    const tracker = new SpikeTracker();
    tracker.mark(zeros as unknown as { dataId: object }); // a layer that did not fire at all
    const ops = countOps(
      () => {
        tf.tidy(() => {
          tf.conv2d(zeros, filter, 1, 'same'); // spikes, none fired: spiking, 0 ACs
          tf.conv2d(ones, filter, 1, 'same'); // binary-looking analog: not spiking
          tf.conv2d(tf.concat([zeros, zeros], 0) as tf.Tensor4D, filter, 1, 'same'); // still spikes
          tf.conv2d(tf.concat([zeros, ones], 0) as tf.Tensor4D, filter, 1, 'same'); // mixed: analog
          tf.conv2d(tf.mul(zeros, 2) as tf.Tensor4D, filter, 1, 'same'); // scaled: analog
        });
      },
      { spikes: tracker },
    );
    expect(ops.map((o) => o.spikeInput)).toEqual([true, false, true, false, false]);
    expect(ops[0]!.inputDensity).toBe(0);
    tf.dispose([zeros, ones, filter]);
  });

  it('counts a conv after a valid average pool of spikes as one accumulate per pooled spike', () => {
    // 4×4 spike map, one channel: 5 spikes; 2×2 pool → (2, 1, 0, 2)/4.
    const spikes = tf.tensor4d([1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1], [1, 4, 4, 1]);
    const filter = tf.ones([1, 1, 1, 3]) as tf.Tensor4D;
    const tracker = new SpikeTracker();
    tracker.mark(spikes as unknown as { dataId: object });
    const ops = countOps(
      () => {
        tf.tidy(() => {
          tf.conv2d(tf.avgPool(spikes, 2, 2, 'valid'), filter, 1, 'valid');
          tf.conv2d(tf.avgPool(spikes, 2, 2, 'same'), filter, 1, 'valid'); // borders: analog
          tf.conv2d(
            tf.avgPool(tf.mul(spikes, 1) as tf.Tensor4D, 2, 2, 'valid'),
            filter,
            1,
            'valid',
          );
        });
      },
      { spikes: tracker },
    );
    // 4 pooled values × 3 outputs = 12 MACs; the 5 spikes each trigger 3 accumulates.
    expect(ops[0]).toMatchObject({ macs: 12, spikeInput: true, spikesPerValue: 4 });
    expect(ops[0]!.inputDensity * ops[0]!.macs).toBe(15);
    expect(ops.slice(1).map((o) => [o.spikeInput, o.spikesPerValue])).toEqual([
      [false, 0],
      [false, 0],
    ]);
    tf.dispose([spikes, filter]);
  });

  it('restores the original kernels, even when the measured code throws', () => {
    const before = tf.getKernel('Conv2D', 'cpu');
    const reshape = tf.getKernel('Reshape', 'cpu');
    expect(() =>
      countOps(
        () => {
          throw new Error('boom');
        },
        { spikes: new SpikeTracker() },
      ),
    ).toThrow('boom');
    expect(tf.getKernel('Conv2D', 'cpu')).toBe(before);
    expect(tf.getKernel('Reshape', 'cpu')).toBe(reshape);
  });

  it('counts only inside the call: kernels before and after are the originals', async () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    const before = tf.getKernel('Conv2D', 'cpu');
    const ops = countOps(() => {
      expect(tf.getKernel('Conv2D', 'cpu')).not.toBe(before);
      tf.dispose(tf.conv2d(x, w, 1, 'same'));
    });
    expect(ops).toHaveLength(1);
    tf.dispose(tf.conv2d(x, w, 1, 'same'));
    expect(ops).toHaveLength(1);
    expect(tf.getKernel('Conv2D', 'cpu')).toBe(before);
    // An async function would let other work run while the kernels are wrapped.
    expect(() => countOps((async () => {}) as () => void)).toThrow(/synchronous function/);
    expect(tf.getKernel('Conv2D', 'cpu')).toBe(before);
    tf.dispose([x, w]);
  });
});

describe('energy estimators', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const op = (spikeInput: boolean, extra: Partial<LayerOps> = {}): LayerOps => ({
    label: 'l',
    kernel: 'Conv2D',
    macs: 1000,
    inputDensity: 0.25,
    spikeInput,
    spikesPerValue: spikeInput ? 1 : 0,
    weights: 100,
    weightBits: 32,
    inputElements: 10,
    outputElements: 10,
    batch: 1,
    ...extra,
  });

  it('mac-ac: analog layers at E_MAC per MAC, spiking layers at E_AC per triggered accumulate', () => {
    const e = registry().create('energy', 'mac-ac-45nm');
    const r = e.estimate([op(false), op(true)], 2);
    expect(r.layers.map((l) => l.pj)).toEqual([1000 * 4.6, 250 * 0.9]);
    expect(r.perSamplePj).toBeCloseTo((4600 + 225) / 2, 9);
    expect(r.constants).toEqual({ eMac: 4.6, eAc: 0.9 });
    expect(r.source).toContain('Horowitz');
  });

  it('memory-aware prices accesses by buffer size and bit width', () => {
    const e = registry().create('energy', 'memory-aware');
    // Tiny buffers: 10 pJ per 64-bit word, so a 32-bit value costs 5 pJ, a spike bit 10/64.
    const [ann, snn] = e.estimate([op(false), op(true)], 1).layers;
    // per MAC: mult 3.1 + add 0.1 + weight 5 + input 5; 10 outputs written at 5
    expect(ann!.pj).toBeCloseTo(1000 * 13.2 + 10 * 5, 9);
    expect(ann!.memoryPj).toBeCloseTo(1000 * 10 + 50, 9);
    // 250 ACs: add 0.1 + weight 5 + partial sum read and write 2·5; 10 spike bits read
    expect(snn!.pj).toBeCloseTo(250 * 15.1 + (10 * 10) / 64, 9);
    // 4096 fp32 weights = 16 KB, halfway in log size between 8 KB (10 pJ) and 32 KB (20 pJ)
    const big = op(false, { weights: 4096 });
    expect(e.estimate([big], 1).layers[0]!.pj).toBeCloseTo(1000 * (3.2 + 15 / 2 + 5) + 50, 9);
    // the same weights ternary: 1 KB, 2 bits of a 10 pJ word
    const ternary = op(false, { weights: 4096, weightBits: 2 });
    expect(e.estimate([ternary], 1).layers[0]!.pj).toBeCloseTo(
      1000 * (3.2 + (10 * 2) / 64 + 5) + 50,
      9,
    );
  });

  it('memory-aware counts each membrane update, leak included unless IF, and each reset', () => {
    const e = registry().create('energy', 'memory-aware');
    const neurons = (leak: boolean): NeuronOps => ({
      label: 'n',
      kind: leak ? 'lif' : 'if',
      leak,
      neurons: 8,
      neuronSteps: 16,
      spikes: 5,
    });
    // per update: (mult 3.1) + charge 0.1 + compare 0.1 + current, membrane read, membrane write 3·5 + spike bit 10/64
    const perUpdate = 0.2 + 15 + 10 / 64;
    expect(e.estimate([], 1, [neurons(false)]).totalPj).toBeCloseTo(16 * perUpdate + 5 * 0.1, 9);
    expect(e.estimate([], 1, [neurons(true)]).totalPj).toBeCloseTo(
      16 * (perUpdate + 3.1) + 5 * 0.1,
      9,
    );
    expect(e.estimate([], 1, [neurons(true)]).layers[0]!.label).toBe('neurons n');
  });
});

describe('measureEnergy', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('prices a tiny SNN as computed by hand', () => {
    const r = registry();
    const model = new TinySnn();
    const x = tf.tensor4d([1, 0.6], [1, 1, 2, 1]);
    const before = tf.memory().numTensors;
    const m = measureEnergy(r, 'tiny', model, x);
    expect(tf.memory().numTensors).toBe(before);
    // Currents per pixel: (1, .5, .25, .8) and (.6, .3, .15, .48), twice. IF with θ = 1
    // fires: ch0 twice and once, ch1 once (.5 + .5), ch3 once (.8 + .8): 5 spikes in 16 updates.
    expect(m.neurons).toEqual([
      { label: 'lif1', kind: 'if', leak: false, neurons: 8, neuronSteps: 16, spikes: 5 },
    ]);
    expect(m.firingRate).toBeCloseTo(5 / 16, 12);
    expect(m.ops.map((o) => [o.spikeInput, o.macs, o.weightBits])).toEqual([
      [false, 16, 32], // conv1: 2 steps × 2 pixels × 4 channels, 1 input channel
      [true, 24, 2], // conv2 on the padded spikes: 2 × 3 pixels, 4 input channels
      [false, 8, 32], // conv3 on all-zero analog input: still MACs
    ]);
    expect(m.ops[1]!.inputDensity).toBeCloseTo(5 / 24, 12);

    const [macAc, memory] = m.reports;
    // 16·4.6 + 5 ACs·0.9 + 8·4.6
    expect(macAc!.perSamplePj).toBeCloseTo(73.6 + 4.5 + 36.8, 9);
    // All buffers < 8 KB: 10 pJ a 64-bit word; 32-bit value 5 pJ, ternary weight 0.3125, spike bit 0.15625.
    const conv1 = 16 * 3.2 + 16 * (5 + 5) + 2 * 8 * 5; // MACs; weight + input reads; 16 outputs written
    const conv2 = 5 * 0.1 + 5 * (0.3125 + 2 * 5) + 2 * 12 * 0.15625; // ACs; spike map of 12 read twice
    const conv3 = 8 * 3.2 + 8 * (5 + 5) + 8 * 5;
    const neurons = 16 * (0.2 + 3 * 5 + 0.15625) + 5 * 0.1;
    expect(memory!.layers.map((l) => l.pj)).toEqual(
      [conv1, conv2, conv3, neurons].map((v) => expect.closeTo(v, 9)),
    );
    expect(memory!.perSamplePj).toBeCloseTo(738.8125, 9);

    const table = formatEnergyTable([m]);
    expect(table).toContain('mac-ac-45nm: eMac=4.6 pJ, eAc=0.9 pJ');
    expect(table).toContain('memory-aware: eMult=3.1 pJ, eAdd=0.1 pJ, sram8KB=10 pJ');
    expect(table).toContain('Lemaire');
    const file = toEnergyFile([{ role: 'student', energy: m }], {
      set: 's',
      images: 1,
      shape: [1, 2, 1],
    });
    expect(file.models[0]!.neurons).toEqual([{ label: 'lif1', kind: 'if', rate: 5 / 16 }]);
    expect(file.models[0]!.estimates[0]!.microjoules).toBeCloseTo(114.9e-6, 15);
    // The neuron's methods are its own again.
    expect(Object.hasOwn(model.neuron, 'forward')).toBe(false);
    tf.dispose(x);
    model.dispose();
  });

  it('sees the spiking U-Net: analog first conv and head, every other conv on spikes', () => {
    const r = registry();
    const model = r.create('backbone', 'spiking-unet', { timesteps: 2 });
    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const m = measureEnergy(r, 'unet', model, x);
    // enc1 | enc2, latent, dec2 (upsampled latent + enc2 skip), dec1 (the same) | head
    expect(m.ops.map((o) => o.spikeInput)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(m.neurons.map((n) => n.label)).toEqual([
      'enc1.neuron',
      'enc2.neuron',
      'latent.neuron',
      'dec2.neuron',
      'dec1.neuron',
    ]);
    expect(m.neurons.every((n) => n.leak && n.neuronSteps > 0)).toBe(true);
    tf.dispose(x);
    model.dispose();
  });

  it('sees the spiking VGG: analog first conv and head, the convs after pooled spikes on events', () => {
    const r = registry();
    const options = { widths: [4, 8], timesteps: 2, classes: 3, channels: 1 };
    const snn = r.create('backbone', 'spiking-vgg', options);
    const ann = r.create('backbone', 'vgg', { widths: [4, 8], classes: 3, channels: 1 });
    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const m = measureEnergy(r, 'snn', snn, x);
    const twin = measureEnergy(r, 'ann', ann, x);
    // stage1 conv on the image | stage2 conv on 2×2-pooled stage1 spikes | linear head
    expect(m.ops.map((o) => [o.spikeInput, o.spikesPerValue])).toEqual([
      [false, 0],
      [true, 4],
      [false, 0],
    ]);
    const stage1 = m.neurons[0]!;
    // Every stage-1 spike inside the pooled 4×4 map triggers 3×3 × 8 accumulates
    // (zero padding drops some at the border, so at most that many).
    const acs = m.ops[1]!.inputDensity * m.ops[1]!.macs;
    expect(acs).toBeLessThanOrEqual(stage1.spikes * 9 * 8);
    expect(acs).toBeGreaterThan(0);
    // Not T × the ANN's energy: the second conv is priced per spike, not per MAC.
    const pj = (e: typeof m) => e.reports[0]!.perSamplePj;
    expect(pj(m)).not.toBeCloseTo(2 * pj(twin), 6);
    tf.dispose(x);
    snn.dispose();
    ann.dispose();
  });
});

conformance(registry, 'energy', {
  checks: [
    {
      name: 'estimates zero for no ops and prints its constants and source',
      run: ({ instance }) => {
        const e = instance as EnergyEstimator;
        expect(e.estimate([], 1).totalPj).toBe(0);
        expect(Object.keys(e.constants).length).toBeGreaterThan(0);
        expect(e.source.length).toBeGreaterThan(10);
      },
    },
  ],
});
