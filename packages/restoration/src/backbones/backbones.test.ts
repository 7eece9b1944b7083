import { activateWasm, createRegistry, tf } from '@spikedistill/core';
import { Conv2d, ConvTranspose2x2, DepthwiseConv2d } from '@spikedistill/nn';
import { conformance } from '@spikedistill/core/testing';
import { describe, expect, it } from 'vitest';
import { register as registerNeurons } from '@spikedistill/neurons';
import { register } from '../index.js';
import { forwardChecks } from '../testing/backbone-checks.js';

const makeRegistry = () =>
  createRegistry({
    packages: [
      { name: 'neurons', register: registerNeurons },
      { name: 'r', register },
    ],
    seed: 3,
  });

// Small sizes: the cpu backend runs convolutions at ~1 GFLOP/s.
const small = {
  dncnn: { depth: 6, width: 8 },
  unet: { widths: [8, 12, 16] },
  'restormer-lite': { dim: 8, heads: [1, 2, 2] },
  'spiking-dncnn': { depth: 4, width: 4, timesteps: 2 },
  'spiking-unet': { widths: [4, 4, 8], timesteps: 2 },
};

describe('on cpu', () => {
  conformance(makeRegistry, 'backbone', {
    options: small,
    setup: async () => {
      await tf.setBackend('cpu');
    },
    checks: forwardChecks({ backward: () => true }),
  });
});

/**
 * Plain tfjs-backend-wasm lacks the depthwise-conv backprops (restormer-lite);
 * @spikedistill/backend-wasm-train adds them. Convolutions train anyway
 * (their filter gradient is a forward conv here, see core's nn/conv-filter-grad.ts).
 */
const wasmCanTrain = (plugin: string) =>
  plugin !== 'restormer-lite' ||
  tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm') !== undefined;

describe('on wasm', () => {
  conformance(makeRegistry, 'backbone', {
    options: small,
    setup: activateWasm,
    checks: forwardChecks({ backward: wasmCanTrain }),
  });

  it('agrees with cpu on the forward pass', async () => {
    const registry = makeRegistry();
    for (const name of registry.list('backbone')) {
      const opts = small[name as keyof typeof small] ?? {};
      await tf.setBackend('cpu');
      const model = registry.create('backbone', name, opts);
      const x = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 5);
      const onCpu = tf.tidy(() => model.forward(x, { training: false }).output.dataSync());
      await activateWasm();
      const onWasm = tf.tidy(() => model.forward(x, { training: false }).output.dataSync());
      model.resetState();
      let maxDiff = 0;
      for (let i = 0; i < onCpu.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(onCpu[i]! - onWasm[i]!));
      }
      expect(maxDiff, name).toBeLessThan(1e-4);
      x.dispose();
      model.dispose();
    }
    await tf.setBackend('cpu');
  });
});

describe('weight transforms', () => {
  it('reach every conv of every backbone (what TNA quantisation relies on)', async () => {
    await tf.setBackend('cpu');
    const registry = makeRegistry();
    for (const name of registry.list('backbone')) {
      const model = registry.create('backbone', name, small[name as keyof typeof small] ?? {});
      const convs = model
        .modules()
        .filter(
          ([, m]) =>
            m instanceof Conv2d || m instanceof DepthwiseConv2d || m instanceof ConvTranspose2x2,
        )
        .map(([path, m]) => [path, (m as Conv2d).weight] as const);
      expect(convs.length, name).toBeGreaterThan(1);
      const seen = new Set<tf.Variable>();
      model.setWeightTransform((w) => {
        seen.add(w);
        return w;
      });
      const x = tf.randomUniform([1, 16, 16, 1], 0, 1, 'float32', 5);
      tf.tidy(() => model.forward(x, { training: false }).output);
      for (const [path, weight] of convs) expect(seen.has(weight), `${name} ${path}`).toBe(true);
      x.dispose();
      model.dispose();
    }
  });
});

describe('dncnn', () => {
  it('has the parameter count of DnCNN-S by default (556,096 trainable + BN statistics)', () => {
    const model = makeRegistry().create('backbone', 'dncnn');
    const trainable = model.trainableVariables().reduce((n, v) => n + v.size, 0);
    expect(trainable).toBe(556_096);
    expect(model.namedBuffers().length).toBe(15 * 2);
    expect(model.tapInfo.map((t) => t.description)).toEqual([
      'output of hidden layer 4 of 16 (after ReLU)',
      'output of hidden layer 8 of 16 (after ReLU)',
      'output of hidden layer 12 of 16 (after ReLU)',
      'output of hidden layer 16 of 16 (after ReLU)',
    ]);
    model.dispose();
  });

  it('is the same model for the same seed', () => {
    const a = makeRegistry().create('backbone', 'dncnn', small.dncnn);
    const b = makeRegistry().create('backbone', 'dncnn', small.dncnn);
    expect(a.stateDict().get('conv3.weight')!.dataSync()).toEqual(
      b.stateDict().get('conv3.weight')!.dataSync(),
    );
    a.dispose();
    b.dispose();
  });
});

describe('features (a frozen teacher that needs only taps)', () => {
  it('gives the forward pass’s taps exactly, computing no deeper than the deepest tap', async () => {
    await tf.setBackend('cpu');
    for (const [name, options] of Object.entries(small)) {
      const model = makeRegistry().create('backbone', name, options);
      model.eval();
      const taps = model.tapInfo.map((t) => t.name);
      const first = taps[0]!;
      const x = tf.randomUniform([1, 16, 16, model.inputChannels], 0, 1, 'float32', 4);
      const convs = model.modules().filter(([, m]) => m instanceof Conv2d) as Array<
        [string, Conv2d]
      >;
      let calls = 0;
      for (const [, conv] of convs) {
        const forward = conv.forward.bind(conv);
        conv.forward = (input) => {
          calls++;
          return forward(input);
        };
      }
      const full = model.forward(x, { taps, training: false });
      const fullCalls = calls;
      calls = 0;
      model.resetState(); // spiking models keep the last forward's membranes until the next
      const before = tf.memory().numTensors;
      const shallow = model.features!(x, [first]);
      expect(tf.memory().numTensors, name).toBe(before + 1);
      expect(calls, `${name} stops at ${first}`).toBeLessThan(fullCalls);
      expect([...shallow[first]!.dataSync()], name).toEqual([...full.taps[first]!.dataSync()]);
      const all = model.features!(x, taps);
      for (const t of taps)
        expect([...all[t]!.dataSync()], `${name} ${t}`).toEqual([...full.taps[t]!.dataSync()]);
      tf.dispose([
        x,
        full.output,
        ...Object.values(full.taps),
        ...Object.values(shallow),
        ...Object.values(all),
      ]);
      model.dispose();
    }
  });
});

describe('inference memory', () => {
  it('dncnn frees each activation as it goes outside a tape, with bit-identical output', async () => {
    await tf.setBackend('cpu');
    const model = makeRegistry().create('backbone', 'dncnn', { depth: 17, width: 16 });
    model.eval();
    const x = tf.randomUniform([1, 32, 32, 1], 0, 1, 'float32', 8);
    const peak = async (f: () => void) => {
      const before = tf.memory().numBytes;
      return (await tf.profile(f)).peakBytes - before;
    };
    let inTape: Float32Array | undefined;
    let outside: Float32Array | undefined;
    // Under a gradient tape every activation is kept (a backward pass may need it).
    const taped = await peak(() => {
      const g = tf.grad((input: tf.Tensor) => {
        const out = model.forward(input, { training: false }).output;
        inTape = out.dataSync() as Float32Array;
        return tf.sum(out);
      })(x);
      g.dispose();
    });
    const free = await peak(() => {
      const out = model.forward(x, { training: false }).output;
      outside = out.dataSync() as Float32Array;
      out.dispose();
    });
    expect([...outside!]).toEqual([...inTape!]);
    // 17 layers of 16 channels: whole-pass ≈ 3 maps per layer alive, released ≈ a few.
    expect(free).toBeLessThan(taped / 4);
    x.dispose();
    model.dispose();
  });
});
