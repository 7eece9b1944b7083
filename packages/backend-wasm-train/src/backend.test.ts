import { createRegistry, corePackage, selectBackend, tf } from '@spikedistill/core';
import { conformance } from '@spikedistill/core/testing';
import { describe, expect, it } from 'vitest';
import { packageName, register, wasmTrainPackage } from './index.js';
import { wasmTrainKernels as trainingKernels } from './register-all.js';

const makeRegistry = () =>
  createRegistry({ packages: [corePackage, { name: packageName, register }] });

conformance(makeRegistry, 'backend', {
  // Needs libtensorflow, which an offline install lacks; core tests it.
  skip: ['tensorflow'],
  checks: [
    {
      name: 'activates, and reports what tfjs runs',
      run: async ({ instance }) => {
        const backend = instance as { tfName: string; activate(): Promise<void> };
        await backend.activate();
        expect(tf.getBackend()).toBe(backend.tfName);
      },
    },
  ],
});

describe('wasm backend plugin', () => {
  it("replaces core's wasm and installs the training kernels", async () => {
    const registry = makeRegistry();
    const selected = await selectBackend(registry, 'wasm');
    expect(selected.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    for (const { kernelName } of trainingKernels) {
      expect(tf.getKernel(kernelName, 'wasm')?.kernelFunc, kernelName).toBe(
        trainingKernels.find((k) => k.kernelName === kernelName)!.kernelFunc,
      );
    }
    expect(registry.describe('backend', 'wasm').source).toBe(packageName);
  });

  it('trains through a conv layer on wasm (filter gradient exists)', async () => {
    await selectBackend(makeRegistry(), 'wasm');
    await selectBackend(makeRegistry(), 'wasm'); // activating twice is harmless
    const g = tf.tidy(() => {
      const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
      return tf.grad((w) => tf.conv2d(x, w as tf.Tensor4D, 1, 'same').sum())(tf.ones([3, 3, 2, 1]));
    });
    // Every tap of a 3×3 'same' conv over a 4×4 image of ones sees 9, 12 or 16 pixels.
    expect(Array.from(g.dataSync()).slice(0, 2)).toEqual([9, 9]);
    g.dispose();
  });

  it('runs the README example (adam through a conv on wasm)', async () => {
    const registry = createRegistry({ packages: [corePackage, wasmTrainPackage] });
    await selectBackend(registry, 'wasm');
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal([3, 3, 1, 4], 0, 0.1, 'float32', 2));
    const loss = () =>
      tf
        .conv2d(x, w as tf.Tensor4D, 1, 'same')
        .square()
        .mean() as tf.Scalar;
    const optimizer = tf.train.adam(1e-2);
    const value = () => tf.tidy(() => loss().dataSync()[0]!);
    const first = value();
    for (let i = 0; i < 5; i++) optimizer.minimize(loss);
    expect(value()).toBeLessThan(first);
    tf.dispose([x, w]);
    optimizer.dispose();
  });
});
