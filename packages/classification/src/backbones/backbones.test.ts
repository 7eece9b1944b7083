import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { Conv2d } from '@spikedistill/nn';
import { conformance } from '@spikedistill/core/testing';
import { register as registerNeurons } from '@spikedistill/neurons';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { crossEntropy } from '../losses/cross-entropy.js';
import { Linear } from '../nn/linear.js';
import { classifierChecks, testImages, testLabels } from '../testing/classifier-checks.js';

const makeRegistry = () =>
  createRegistry({
    packages: [
      { name: 'neurons', register: registerNeurons },
      { name: 'classification', register },
    ],
    seed: 3,
  });

// Small sizes: the cpu backend runs convolutions at ~1 GFLOP/s.
const small: Record<string, Record<string, unknown>> = {
  'spiking-vgg': { widths: [4, 8], depth: 1, timesteps: 2 },
  vgg: { widths: [4, 8], depth: 1 },
  'spiking-resnet': { widths: [4, 8], timesteps: 2 },
  resnet: { widths: [4, 8] },
};
const backbones = Object.keys(small);

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('on cpu', () => {
  conformance(makeRegistry, 'backbone', {
    options: small,
    setup: async () => {
      await tf.setBackend('cpu');
    },
    checks: classifierChecks(),
  });
});

const withTrainingKernels = async () => {
  await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm');
};

describe('on wasm with the training kernels of backend-wasm-train', () => {
  conformance(makeRegistry, 'backbone', {
    options: small,
    setup: withTrainingKernels,
    checks: classifierChecks(),
  });

  it('agrees with cpu on the forward pass', async () => {
    const registry = makeRegistry();
    for (const name of backbones) {
      await tf.setBackend('cpu');
      const model = registry.create('backbone', name, small[name]);
      const x = testImages([2, 12, 12, 1], 5);
      const onCpu = tf.tidy(() => model.forward(x, { training: false }).output.dataSync());
      await withTrainingKernels();
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
  });

  // Every classifier, spiking or ANN, trains on wasm.
  for (const name of backbones) {
    it(`${name}: a few Adam steps on cross-entropy lower the loss`, async () => {
      await withTrainingKernels();
      const model = makeRegistry().create('backbone', name, small[name], 'student');
      // A learnable task: the class is the image's brightness level.
      const y = testLabels(8, 4);
      const x = tf.tidy(() =>
        tf.add(
          tf.mul(testImages([8, 12, 12, 1], 5), 0.2),
          tf.reshape(tf.mul(tf.cast(y, 'float32'), 0.25), [8, 1, 1, 1]),
        ),
      );
      const optimizer = tf.train.adam(2e-2);
      const losses: number[] = [];
      for (let step = 0; step < 15; step++) {
        const loss = optimizer.minimize(
          () => crossEntropy(model.forward(x, { training: true }).output, y),
          true,
          model.trainableVariables(),
        )!;
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      expect(losses.at(-1)!, losses.map((l) => l.toFixed(3)).join(' ')).toBeLessThan(
        losses[0]! * 0.8,
      );
      optimizer.dispose();
      tf.dispose([x, y]);
      model.resetState();
      model.dispose();
    });
  }
});

describe('architecture', () => {
  it('weight transforms reach every conv and the head (what ternary TNA relies on)', async () => {
    await tf.setBackend('cpu');
    for (const name of backbones) {
      const model = makeRegistry().create('backbone', name, small[name]);
      const layers = model
        .modules()
        .filter(([, m]) => m instanceof Conv2d || m instanceof Linear)
        .map(([path, m]) => [path, (m as Conv2d | Linear).weight] as const);
      expect(layers.length, name).toBeGreaterThan(2);
      const seen = new Set<tf.Variable>();
      model.setWeightTransform((w) => {
        seen.add(w);
        return w;
      });
      const x = testImages([1, 12, 12, 1], 5);
      tf.tidy(() => model.forward(x, { training: false }).output);
      model.resetState();
      for (const [path, weight] of layers) expect(seen.has(weight), `${name} ${path}`).toBe(true);
      x.dispose();
      model.dispose();
    }
  });

  it('names its parameters by stage and unit, head last', () => {
    const registry = makeRegistry();
    const vggModel = registry.create('backbone', 'spiking-vgg', { widths: [4, 8], depth: 2 });
    expect(vggModel.namedParameters().map(([n]) => n)).toEqual([
      'stage1.unit1.conv.weight',
      'stage1.unit1.norm.weight',
      'stage1.unit1.norm.bias',
      'stage1.unit2.conv.weight',
      'stage1.unit2.norm.weight',
      'stage1.unit2.norm.bias',
      'stage2.unit1.conv.weight',
      'stage2.unit1.norm.weight',
      'stage2.unit1.norm.bias',
      'stage2.unit2.conv.weight',
      'stage2.unit2.norm.weight',
      'stage2.unit2.norm.bias',
      'head.weight',
      'head.bias',
    ]);
    const res = registry.create('backbone', 'resnet', { widths: [4, 8] });
    const names = res.namedParameters().map(([n]) => n);
    expect(names.filter((n) => n.includes('shortcut'))).toEqual([
      'stage2.block1.shortcut.conv.weight',
      'stage2.block1.shortcut.norm.weight',
      'stage2.block1.shortcut.norm.bias',
    ]);
    expect(names.slice(0, 3)).toEqual(['stem.conv.weight', 'stem.norm.weight', 'stem.norm.bias']);
    vggModel.dispose();
    res.dispose();
  });

  it('a spiking classifier and its ANN twin have the same parameter shapes', () => {
    const registry = makeRegistry();
    for (const [snn, ann] of [
      ['spiking-vgg', 'vgg'],
      ['spiking-resnet', 'resnet'],
    ] as const) {
      const a = registry.create('backbone', snn, small[snn]);
      const b = registry.create('backbone', ann, small[ann]);
      const shapes = (m: typeof a) => m.namedParameters().map(([n, v]) => `${n}:${v.shape}`);
      expect(shapes(a)).toEqual(shapes(b));
      expect([a.spiking, a.timesteps, b.spiking, b.timesteps]).toEqual([true, 2, false, 1]);
      a.dispose();
      b.dispose();
    }
  });

  it('membrane readout is the mean over T of the head; spikes readout counts output spikes', async () => {
    await tf.setBackend('cpu');
    const registry = makeRegistry();
    const x = testImages([3, 8, 8, 1], 2);
    for (const readout of ['membrane', 'spikes'] as const) {
      const model = registry.create('backbone', 'spiking-vgg', {
        widths: [4],
        depth: 1,
        timesteps: 3,
        readout,
      });
      const logits = model.forward(x, { training: false, taps: ['stage1'] });
      const stage1 = logits.taps.stage1!;
      // Recompute the readout by hand from the recorded last-stage spikes.
      const [w, b] = [model.stateDict().get('head.weight')!, model.stateDict().get('head.bias')!];
      const perStep = tf.tidy(() =>
        tf.stack(tf.unstack(tf.mean(stage1, [2, 3])).map((p) => tf.add(tf.matMul(p, w), b))),
      );
      if (readout === 'membrane') {
        const expected = tf.tidy(() => tf.mean(perStep, 0));
        const d = tf.tidy(() => tf.max(tf.abs(tf.sub(expected, logits.output))).dataSync()[0]!);
        expect(d).toBeLessThan(1e-5);
        expected.dispose();
      } else {
        const counts = logits.output.dataSync();
        expect(counts.every((c) => Number.isInteger(c) && c >= 0 && c <= 3)).toBe(true);
      }
      tf.dispose([logits.output, stage1, perStep]);
      model.resetState();
      model.dispose();
    }
    x.dispose();
  });
});
