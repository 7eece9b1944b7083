import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import { type Backbone, corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { conformance } from '@spikedistill/core/testing';
import { register as registerNeurons } from '@spikedistill/neurons';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { forwardChecks } from '../testing/backbone-checks.js';

// With @spikedistill/backend-wasm-train's kernels every backbone trains on
// wasm, through the kernels' own Conv2DBackpropFilter (Conv2d then keeps
// the backend's filter gradient) and the depthwise backprops.
const makeRegistry = () =>
  createRegistry({
    packages: [
      { name: 'neurons', register: registerNeurons },
      { name: 'r', register },
    ],
    seed: 3,
  });

const small: Record<string, Record<string, unknown>> = {
  dncnn: { depth: 6, width: 8 },
  unet: { widths: [8, 12, 16] },
  'restormer-lite': { dim: 8, heads: [1, 2, 2] },
  'spiking-dncnn': { depth: 4, width: 4, timesteps: 2 },
  'spiking-unet': { widths: [4, 4, 8], timesteps: 2 },
};

const withTrainingKernels = async () => {
  await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm');
};

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('on wasm with the training kernels of backend-wasm-train', () => {
  conformance(makeRegistry, 'backbone', {
    options: small,
    setup: withTrainingKernels,
    checks: forwardChecks({ backward: () => true }),
  });

  /** Gradients of an MSE loss, by variable name, on the active backend. */
  function gradients(model: Backbone, x: tf.Tensor, target: tf.Tensor): Map<string, Float32Array> {
    const names = new Map(model.namedParameters().map(([n, v]) => [v.name, n]));
    const { value, grads } = tf.variableGrads(
      () =>
        tf.mean(
          tf.square(tf.sub(model.forward(x, { training: true }).output, target)),
        ) as tf.Scalar,
      model.trainableVariables(),
    );
    const out = new Map(
      [...Object.entries(grads)].map(([k, g]) => [names.get(k)!, g.dataSync() as Float32Array]),
    );
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  }

  // Spiking students are left out: a rounding difference can flip a spike.
  for (const name of ['dncnn', 'unet', 'restormer-lite']) {
    it(`${name}: gradients agree with the cpu backend`, async () => {
      const model = makeRegistry().create('backbone', name, small[name]);
      const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 1);
      const target = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 2);
      const snapshot = new Map([...model.stateDict()].map(([k, v]) => [k, tf.clone(v)]));
      await tf.setBackend('cpu');
      const onCpu = gradients(model, x, target);
      // BN running statistics moved; put them back so both passes see the same model.
      for (const [k, v] of model.stateDict()) v.assign(snapshot.get(k)!);
      await withTrainingKernels();
      const onWasm = gradients(model, x, target);
      for (const [k, g] of onCpu) {
        const w = onWasm.get(k)!;
        let scale = 0;
        let diff = 0;
        for (let i = 0; i < g.length; i++) {
          scale = Math.max(scale, Math.abs(g[i]!));
          diff = Math.max(diff, Math.abs(g[i]! - w[i]!));
        }
        expect(diff, `${name} ${k}`).toBeLessThanOrEqual(1e-3 * scale + 1e-7);
      }
      tf.dispose([x, target, ...snapshot.values()]);
      model.dispose();
    });
  }

  // Issue 4's bar: every backbone, teacher or student, trains on wasm.
  for (const name of Object.keys(small)) {
    it(`${name}: a few Adam steps on wasm lower the loss`, async () => {
      await withTrainingKernels();
      const registry = makeRegistry();
      const model = registry.create('backbone', name, small[name], 'student');
      const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 5);
      const target = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(x, 0.8), 0.1), 0, 1));
      const optimizer = tf.train.adam(1e-2);
      const losses: number[] = [];
      for (let step = 0; step < 12; step++) {
        const loss = optimizer.minimize(
          () =>
            tf.mean(
              tf.abs(tf.sub(model.forward(x, { training: true }).output, target)),
            ) as tf.Scalar,
          true,
          model.trainableVariables(),
        )!;
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
      optimizer.dispose();
      tf.dispose([x, target]);
      model.resetState();
      model.dispose();
    });
  }
});
