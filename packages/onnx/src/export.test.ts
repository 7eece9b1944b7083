import { type Backbone, Module, tf } from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { BackboneModule, type TapSink } from '@spikedistill/restoration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineExporter } from './exporters/index.js';
import { exportOnnx } from './export.js';
import { decodeModel } from './proto/schema.js';
import {
  calibrateNorms,
  makeRegistry,
  type OrtResult,
  randomizeState,
  relativeError,
  runOrt,
  tfjsForward,
} from './testing/parity.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TOLERANCE = 1e-4;
/** Max relative error per backbone and config, printed at the end (the report's parity table). */
const errors: Array<{ model: string; config: string; output: number; taps: number }> = [];
afterAll(() => {
  if (errors.length) console.table(errors);
});

const configs: Record<string, Record<string, Record<string, unknown>>> = {
  dncnn: { defaults: {}, small: { depth: 5, width: 8 } },
  unet: { defaults: {}, small: { widths: [4, 8], batchNorm: true, convsPerLevel: 1 } },
  'restormer-lite': { defaults: {}, small: { dim: 8, heads: [1, 2, 2], blocks: [2, 1, 1] } },
  'spiking-dncnn': {
    defaults: {},
    small: { depth: 4, width: 4, timesteps: 2 },
    'ann twin': { depth: 4, width: 4, ann: true },
  },
  'spiking-unet': {
    defaults: {},
    small: { widths: [4, 4, 8], timesteps: 3, norm: 'bn' },
    'ann twin': { widths: [4, 4, 8], ann: true, tapSignal: 'current' },
    'ann twin, activations': { ann: true },
  },
};

function create(name: string, options: Record<string, unknown>, seed = 3): Backbone {
  const model = makeRegistry(seed).create('backbone', name, options) as Backbone;
  randomizeState(model, seed + 8);
  if (model.spiking) {
    const x = image([2, 16, 16, 1], seed + 20);
    calibrateNorms(model, x);
    x.dispose();
  }
  return model;
}

/**
 * Exports `model` with every tap, runs the file in onnxruntime-node and
 * checks output and taps against the tfjs forward: analog values to 1e-4
 * of their scale, spikes exactly. Returns the largest errors.
 */
async function expectParity(model: Backbone, inputs: tf.Tensor4D[], taps?: string[]) {
  const names = taps ?? model.tapInfo.map((t) => t.name);
  const onnx = await expectNoLeaks(() => exportOnnx(model, { taps: names }), 'exportOnnx');
  let output = 0;
  let tapError = 0;
  for (const x of inputs) {
    const want = tfjsForward(model, x, names);
    const got = await runOrt(onnx.bytes, { input: x });
    expect(Object.keys(got).sort()).toEqual(['output', ...names].sort());
    for (const name of ['output', ...names]) {
      const [g, w] = [got[name]!, want[name]!];
      expect(g.dims, name).toEqual(w.dims);
      const spikes = model.spiking && name !== 'output' && isBinary(w);
      if (spikes) {
        expect(mismatches(g, w), `${name}: spikes that differ`).toBe(0);
        const rate = mean(w.data);
        expect(rate, `${name} firing rate (a meaningful test fires some, not all)`).toBeGreaterThan(
          0.01,
        );
        expect(rate).toBeLessThan(0.99);
      }
      const err = relativeError(g.data, w.data);
      expect(err, name).toBeLessThanOrEqual(TOLERANCE);
      if (name === 'output') output = Math.max(output, err);
      else tapError = Math.max(tapError, err);
    }
  }
  return { output, taps: tapError };
}

const isBinary = (r: OrtResult) => r.data.every((v) => v === 0 || v === 1);
const mismatches = (a: OrtResult, b: OrtResult) => a.data.filter((v, i) => v !== b.data[i]).length;
const mean = (d: Float32Array) => d.reduce((s, v) => s + v, 0) / d.length;
const image = (shape: [number, number, number, number], seed = 5) =>
  tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;

describe('every backbone, exported and run in onnxruntime-node, matches its tfjs forward', () => {
  for (const [name, byConfig] of Object.entries(configs)) {
    for (const [config, options] of Object.entries(byConfig)) {
      it(`${name} (${config}), with all its taps`, async () => {
        const model = create(name, options);
        const x = image([2, 16, 16, 1]);
        const e = await expectParity(model, [x]);
        errors.push({ model: name, config, ...e });
        x.dispose();
        model.dispose();
      });
    }
  }

  it('covers every registered backbone', () => {
    expect(makeRegistry().list('backbone').sort()).toEqual(Object.keys(configs).sort());
  });
});

describe('spiking students: neurons, norms and tap signals', () => {
  const neurons: Record<string, unknown> = {
    'lif soft reset, decayed input': {
      name: 'lif',
      options: { threshold: 0.3, vReset: null, decayInput: true },
    },
    'lif reset to 0.05': { name: 'lif', options: { threshold: 0.2, vReset: 0.05, tau: 3 } },
    if: { name: 'if', options: { threshold: 0.4 } },
    plif: { name: 'plif', options: { threshold: 0.2, initTau: 3 } },
    alif: { name: 'alif', options: { threshold: 0.2, adaptation: 0.3, vReset: null } },
    'leaky, subtract, delayed': { name: 'leaky', options: { threshold: 0.3, beta: 0.8 } },
    'leaky, zero, at once': {
      name: 'leaky',
      options: { threshold: 0.3, resetMechanism: 'zero', resetDelay: false, learnBeta: true },
    },
  };
  for (const [label, neuron] of Object.entries(neurons)) {
    it(`spiking-dncnn with ${label}: spikes equal, output to 1e-4`, async () => {
      // Plain BN (no θ scale): these thresholds then see currents of their own scale.
      const model = create('spiking-dncnn', {
        depth: 4,
        width: 6,
        timesteps: 4,
        neuron,
        norm: 'bn',
      });
      const x = image([2, 12, 12, 1], 7);
      const e = await expectParity(model, [x]);
      errors.push({ model: 'spiking-dncnn', config: label, ...e });
      x.dispose();
      model.dispose();
    });
  }

  it('norm none, taps recording the input current', async () => {
    const model = create('spiking-unet', { widths: [4, 6, 8], norm: 'none', tapSignal: 'current' });
    const x = image([1, 16, 16, 1], 9);
    const e = await expectParity(model, [x]);
    errors.push({ model: 'spiking-unet', config: 'norm none, current taps', ...e });
    x.dispose();
    model.dispose();
  });

  it('refuses a random encoder, saying which and what is supported', () => {
    const model = create('spiking-dncnn', { depth: 3, width: 4, encoder: 'rate' });
    expect(() => exportOnnx(model)).toThrow(/'rate' encoder; ONNX export supports the 'direct'/);
    model.dispose();
  });
});

describe('one exported file serves any batch and size', () => {
  for (const name of ['spiking-unet', 'restormer-lite', 'unet']) {
    it(`${name}: two batches and sizes through the same file`, async () => {
      const model = create(name, configs[name]!.small!);
      const inputs = [image([1, 16, 16, 1], 1), image([3, 24, 20, 1], 2)];
      await expectParity(model, inputs);
      tf.dispose(inputs);
      model.dispose();
    });
  }
});

describe('graph contents', () => {
  it('writes opset 18, NHWC input with symbolic batch/height/width, weights named by path', () => {
    const model = create('dncnn', { depth: 3, width: 4 });
    const decoded = decodeModel(exportOnnx(model, { taps: ['q2'] }).bytes);
    expect(decoded.opset_import).toEqual([{ domain: '', version: 18 }]);
    const dims = decoded.graph.input[0].type.tensor_type.shape.dim;
    expect(dims).toEqual([
      { dim_param: 'batch' },
      { dim_param: 'height' },
      { dim_param: 'width' },
      { dim_value: 1 },
    ]);
    expect(decoded.graph.output.map((o: { name: string }) => o.name)).toEqual(['output', 'q2']);
    const inits = decoded.graph.initializer.map((i: { name: string }) => i.name);
    expect(inits).toContain('conv2.weight');
    expect(inits).toContain('bn2.runningVar');
    model.dispose();
  });

  it('with taps only, stops at the deepest tap', async () => {
    const model = create('dncnn', { depth: 9, width: 4 });
    const full = exportOnnx(model, { taps: ['q1'] });
    const early = exportOnnx(model, { taps: ['q1'], output: false });
    expect(early.outputs.map((o) => o.name)).toEqual(['q1']);
    // q1 is hidden layer 2 of 8: two conv(+BN)+ReLU layers and the layout transposes remain.
    expect(early.nodes).toBeLessThan(full.nodes / 3);
    const initializers = decodeModel(early.bytes).graph.initializer.map((i: any) => i.name);
    expect(initializers).not.toContain('conv3.weight');
    const x = image([1, 8, 8, 1]);
    const got = await runOrt(early.bytes, { input: x });
    expect(Object.keys(got)).toEqual(['q1']);
    const want = tfjsForward(model, x, ['q1']);
    expect(relativeError(got.q1!.data, want.q1!.data)).toBeLessThanOrEqual(TOLERANCE);
    x.dispose();
    model.dispose();
  });

  it('exports the weights a layer computes with when a weight transform is set (ternary)', async () => {
    const model = create('spiking-unet', configs['spiking-unet']!.small!);
    const ternary = (w: tf.Variable) =>
      tf.tidy(() => {
        const delta = tf.mul(tf.mean(tf.abs(w)), 0.7);
        const q = tf.mul(tf.sign(w), tf.cast(tf.greater(tf.abs(w), delta), 'float32'));
        return tf.mul(q, delta);
      });
    model.setWeightTransform(ternary);
    const x = image([2, 16, 16, 1], 3);
    const e = await expectParity(model, [x]);
    errors.push({ model: 'spiking-unet', config: 'ternary weights', ...e });
    // The exported conv weights take three values.
    const w = decodeModel(exportOnnx(model).bytes).graph.initializer.find(
      (i: { name: string }) => i.name === 'enc2.conv.weight',
    );
    const values = new Float32Array(new Uint8Array(w.raw_data).buffer);
    expect(new Set(values).size).toBe(3);
    x.dispose();
    model.dispose();
  });

  it('rejects unknown taps, listing the valid ones, and reserved tap names', () => {
    const model = create('dncnn', { depth: 3, width: 4 });
    expect(() => exportOnnx(model, { taps: ['q9'] })).toThrow(/q9.*q1, q2, q3, q4/);
    expect(() => exportOnnx(model, { output: false })).toThrow(/nothing to compute/);
    model.dispose();
  });
});

/** A user's own backbone with a layer this package does not know. */
class Mystery extends Module {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.mul(x, 2);
  }
}
class Toy extends BackboneModule {
  readonly inputChannels = 1;
  readonly outputChannels = 1;
  readonly spiking = false;
  readonly timesteps = 1;
  readonly sizeMultiple = 1;
  readonly tapInfo = [];
  readonly mystery = this.child('mystery', new Mystery());
  protected run(x: tf.Tensor4D, _training: boolean, _tap: TapSink): tf.Tensor4D {
    return this.mystery.forward(x);
  }
}
const toyExporter = defineExporter({
  layer: Toy,
  role: 'backbone',
  export: (ctx, toy, x) => ctx.layer(toy.mystery, x),
});

describe('layers without an exporter', () => {
  it('name the module path and class, and the layers that have exporters', () => {
    const toy = new Toy('toy');
    expect(() => exportOnnx(toy)).toThrow(/layer '\(root\)' of class Toy/);
    expect(() => exportOnnx(toy, { exporters: [toyExporter] })).toThrow(
      /No ONNX exporter for layer 'mystery' of class Mystery\. Layers with exporters: .*Conv2d/,
    );
  });

  it('take a user exporter, keyed by their class', async () => {
    const mysteryExporter = defineExporter({
      layer: Mystery,
      role: 'layer',
      export: (ctx, _m, x) => ctx.graph.op('Mul', [x, ctx.graph.floats(2)]),
    });
    const toy = new Toy('toy');
    const onnx = exportOnnx(toy, { exporters: [toyExporter, mysteryExporter] });
    const x = image([1, 4, 4, 1]);
    const got = await runOrt(onnx.bytes, { input: x });
    expect(Array.from(got.output!.data)).toEqual(Array.from(x.dataSync()).map((v) => v * 2));
    x.dispose();
  });
});
