import {
  type Backbone,
  corePackage,
  createRegistry,
  type ForwardResult,
  Module,
  tf,
} from '@spikedistill/core';
import { conformance } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnergyEstimator } from './index.js';
import { countOps, formatEnergyTable, measureEnergy, register } from './index.js';

const registry = () => {
  const r = createRegistry({ packages: [corePackage] });
  register(r);
  return r;
};

/** conv(analog) → threshold to spikes → conv(spikes): the shape of a one-layer SNN. */
class TwoConv extends Module implements Backbone {
  readonly inputChannels = 1;
  readonly outputChannels = 1;
  readonly spiking = true;
  readonly timesteps = 1;
  readonly sizeMultiple = 1;
  readonly tapInfo = [];
  readonly w1 = this.param('w1', tf.ones([3, 3, 1, 2]) as tf.Tensor4D);
  readonly w2 = this.param('w2', tf.ones([3, 3, 2, 1]) as tf.Tensor4D);
  forward(x: tf.Tensor): ForwardResult {
    const h = tf.conv2d(x as tf.Tensor4D, this.w1, 1, 'same');
    const spikes = tf.cast(tf.greaterEqual(h, 4.5), 'float32') as tf.Tensor4D;
    return { output: tf.conv2d(spikes, this.w2, 1, 'same'), taps: {} };
  }
}

describe('countOps', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('counts dense MACs and input density of each conv, telling spikes from analog input', () => {
    const spikes = tf.tensor4d(
      [1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
      [1, 2, 5, 2],
    );
    const analog = tf.mul(spikes, 0.3) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 2, 4]) as tf.Tensor4D;
    const ops = countOps(() => {
      tf.tidy(() => {
        tf.conv2d(spikes, filter, 1, 'same');
        tf.conv2d(analog, filter, 2, 'valid');
      });
    });
    expect(ops).toHaveLength(2);
    expect(ops[0]).toMatchObject({
      macs: 2 * 5 * 4 * 9 * 2,
      inputDensity: 0.4,
      binaryInput: true,
      weights: 72,
    });
    expect(ops[0]!.label).toBe('conv#0 3×3 2→4 @2×5');
    // valid, stride 2 on 2×5 with a 3×3 filter has no output row: 0 MACs
    expect(ops[1]).toMatchObject({ macs: 0, binaryInput: false });
    tf.dispose([spikes, analog, filter]);
  });

  it('restores the original kernels, even when the measured code throws', () => {
    const before = tf.getKernel('Conv2D', 'cpu');
    expect(() =>
      countOps(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tf.getKernel('Conv2D', 'cpu')).toBe(before);
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
  const op = (binaryInput: boolean) => ({
    label: 'l',
    kernel: 'Conv2D',
    macs: 1000,
    inputDensity: 0.25,
    binaryInput,
    weights: 100,
    inputElements: 10,
    outputElements: 10,
    batch: 1,
  });

  it('mac-ac: analog layers at E_MAC per MAC, spiking layers at E_AC per triggered accumulate', () => {
    const e = registry().create('energy', 'mac-ac-45nm');
    const r = e.estimate([op(false), op(true)], 2);
    expect(r.layers.map((l) => l.pj)).toEqual([1000 * 4.6, 250 * 0.9]);
    expect(r.perSamplePj).toBeCloseTo((4600 + 225) / 2, 9);
    expect(r.constants).toEqual({ eMac: 4.6, eAc: 0.9 });
  });

  it('memory-aware prices each access by buffer size, interpolating in log size', () => {
    const e = registry().create('energy', 'memory-aware');
    // tiny buffers: 10 pJ per access; ANN: 1000·(3.1+0.1+10+10) + 10 outputs·10
    const [ann, snn] = e.estimate([op(false), op(true)], 1).layers;
    expect(ann!.pj).toBeCloseTo(1000 * 23.2 + 100, 6);
    expect(snn!.pj).toBeCloseTo(250 * (0.1 + 10 + 20), 6);
    const big = { ...op(false), weights: 4096 }; // 16 KB of weights: halfway between 8 KB and 32 KB in log size
    expect(e.estimate([big], 1).layers[0]!.pj).toBeCloseTo(1000 * (3.2 + 15 + 10) + 100, 6);
  });

  it('measures a model on real input: first layer analog, second on spikes, firing rate from data', () => {
    const r = registry();
    const model = new TwoConv();
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0.5)),
      [1, 4, 4, 1],
    );
    const m = measureEnergy(r, 'two-conv', model, x);
    expect(m.ops.map((o) => o.binaryInput)).toEqual([false, true]);
    expect(m.firingRate).toBeCloseTo(m.ops[1]!.inputDensity, 9);
    const macAc = m.reports[0]!;
    expect(macAc.totalPj).toBeCloseTo(
      m.ops[0]!.macs * 4.6 + m.ops[1]!.inputDensity * m.ops[1]!.macs * 0.9,
      6,
    );
    const table = formatEnergyTable([m]);
    expect(table).toContain('mac-ac-45nm: eMac=4.6 pJ, eAc=0.9 pJ');
    expect(table).toContain('memory-aware: eMult=3.1 pJ');
    tf.dispose(x);
    model.dispose();
  });
});

conformance(registry, 'energy', {
  checks: [
    {
      name: 'estimates zero for no ops and prints its constants',
      run: ({ instance }) => {
        const e = instance as EnergyEstimator;
        expect(e.estimate([], 1).totalPj).toBe(0);
        expect(Object.keys(e.constants).length).toBeGreaterThan(0);
      },
    },
  ],
});
