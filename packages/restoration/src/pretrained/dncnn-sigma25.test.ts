import { join } from 'node:path';
import { activateWasm, createRegistry, tf } from '@spikedistill/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { readImageTensor } from '../io/image.js';
import { loadBackboneWeights } from '../io/torch.js';
import { denoiseScore } from './evaluate.js';
import { findShared } from './shared.js';

const shared = findShared();

// The published DnCNN-S σ=25 (PyTorch) in ../shared/teachers; Set12 mean 30.45 dB.
describe.skipIf(!shared)('pretrained DnCNN σ=25 from ../shared', () => {
  const registry = createRegistry({ packages: [{ name: 'r', register }] });
  const model = registry.create('backbone', 'dncnn');

  beforeAll(async () => {
    // Forward only: 17×64 layers on 256² is ~72 GFLOP, seconds on wasm.
    await activateWasm();
    await loadBackboneWeights(model, join(shared!, 'teachers', 'dncnn_sigma25.safetensors'));
  });
  afterAll(async () => {
    model.dispose();
    await tf.setBackend('cpu');
  });

  for (const [image, minPsnr] of [
    ['01.png', 29],
    ['05.png', 29],
  ] as const) {
    it(`denoises Set12/${image} at σ=25 to > ${minPsnr} dB, > 8 dB over the noisy input`, async () => {
      const clean = await readImageTensor(join(shared!, 'datasets', 'Set12', image));
      const score = denoiseScore(model, clean, 25, 1);
      clean.dispose();
      expect(score.noisyPsnr).toBeGreaterThan(20);
      expect(score.noisyPsnr).toBeLessThan(21);
      console.log(
        `Set12/${image}: noisy ${score.noisyPsnr.toFixed(2)} dB → ${score.psnr.toFixed(2)} dB, SSIM ${score.ssim.toFixed(4)}`,
      );
      expect(score.psnr).toBeGreaterThan(minPsnr);
      expect(score.psnr - score.noisyPsnr).toBeGreaterThan(8);
      expect(score.ssim).toBeGreaterThan(0.8);
    });
  }
});
