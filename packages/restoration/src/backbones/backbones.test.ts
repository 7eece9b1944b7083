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
