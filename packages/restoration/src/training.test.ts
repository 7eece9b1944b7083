import {
  activateWasm,
  type Backbone,
  composeTaskLoss,
  corePackage,
  createRegistry,
  Rng,
  tf,
} from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './index.js';
import { psnr8 } from './metrics/psnr.js';
import { noisyBatch } from './testing/procedural.js';

const registry = createRegistry({
  packages: [corePackage, { name: 'neurons', register: registerNeurons }, { name: 'r', register }],
  seed: 11,
});

// wasm: 5–7× faster than cpu here. Its convolutions train without extra
// kernels because Conv2d computes filter gradients as forward convs.
beforeAll(async () => {
  await activateWasm();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Mean 8-bit PSNR over the patches of a batch, of the noisy input and of the model's output. */
function evaluate(model: Backbone, clean: tf.Tensor4D, noisy: tf.Tensor4D) {
  const n = clean.shape[0];
  let before = 0;
  let after = 0;
  const output = model.forward(noisy, { training: false }).output;
  model.resetState();
  for (let i = 0; i < n; i++) {
    tf.tidy(() => {
      const c = tf.slice(clean, [i, 0, 0, 0], [1, -1, -1, -1]);
      before += psnr8(tf.slice(noisy, [i, 0, 0, 0], [1, -1, -1, -1]), c);
      after += psnr8(tf.slice(output, [i, 0, 0, 0], [1, -1, -1, -1]), c);
    });
  }
  output.dispose();
  return { noisy: before / n, denoised: after / n };
}

/** Adam on L1 (+ a little FFT loss, as the H-KD recipe) for `steps` steps of fresh σ=25 patches. */
function train(model: Backbone, steps: number, lr: number, patch: number, batch: number) {
  const data = new Rng(1);
  const loss = composeTaskLoss(
    ['l1', { name: 'fft', options: { weight: 0.01 } }].map((ref) =>
      registry.createFrom('loss', ref),
    ),
  );
  const optimizer = tf.train.adam(lr);
  const vars = model.trainableVariables();
  for (let step = 0; step < steps; step++) {
    const { clean, noisy } = noisyBatch(data, batch, patch, 25);
    const value = optimizer.minimize(
      () => loss(model.forward(noisy, { training: true }).output, clean).total,
      true,
      vars,
    );
    expect(Number.isFinite(value!.dataSync()[0])).toBe(true);
    tf.dispose([clean, noisy, value!]);
  }
  model.resetState();
  optimizer.dispose();
}

describe('training on procedural σ=25 patches raises PSNR on held-out patches', () => {
  for (const [name, options, steps, lr, minGain] of [
    ['dncnn', { depth: 5, width: 12 }, 400, 2e-3, 3],
    ['spiking-unet', { widths: [8, 8, 16], timesteps: 2 }, 200, 3e-3, 2],
  ] as const) {
    it(`${name} (${steps} steps)`, () => {
      const model = registry.create('backbone', name, options);
      const heldOut = noisyBatch(new Rng(99), 16, 16, 25);
      const start = evaluate(model, heldOut.clean, heldOut.noisy);
      const before = tf.memory().numTensors;
      train(model, steps, lr, 16, 8);
      expect(tf.memory().numTensors).toBe(before);
      const end = evaluate(model, heldOut.clean, heldOut.noisy);
      console.log(
        `${name}: noisy ${end.noisy.toFixed(2)} dB, untrained ${start.denoised.toFixed(2)} dB → trained ${end.denoised.toFixed(2)} dB`,
      );
      expect(end.denoised - end.noisy).toBeGreaterThan(minGain);
      tf.dispose([heldOut.clean, heldOut.noisy]);
      model.dispose();
    });
  }
});
