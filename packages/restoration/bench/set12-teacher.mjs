// Set12 mean PSNR/SSIM of the pretrained DnCNN-S σ=25 (../shared/teachers),
// to compare with its PyTorch reference: 30.450 dB (8-bit), SSIM 0.8617.
// Noise: AWGN σ=25 in float, no clipping, seed 1 per image index.
// Build first:  (cd packages/restoration && npx tsc -p tsconfig.build.json)
//   node packages/restoration/bench/set12-teacher.mjs [cpu|wasm]
import { join } from 'node:path';
import { activateWasm, createRegistry, tf } from '@spikedistill/core';
import {
  denoiseScore,
  findShared,
  loadBackboneWeights,
  readImageTensor,
  register,
} from '../dist/index.js';

const shared = findShared();
if (!shared) throw new Error('../shared not found (set SPIKEDISTILL_SHARED)');
if ((process.argv[2] ?? 'wasm') === 'wasm') await activateWasm();
else await tf.setBackend('cpu');

const registry = createRegistry({ packages: [{ name: 'restoration', register }] });
const model = registry.create('backbone', 'dncnn');
await loadBackboneWeights(model, join(shared, 'teachers', 'dncnn_sigma25.safetensors'));

const rows = [];
const t0 = performance.now();
for (let i = 1; i <= 12; i++) {
  const name = `${String(i).padStart(2, '0')}.png`;
  const clean = await readImageTensor(join(shared, 'datasets', 'Set12', name));
  const s = denoiseScore(model, clean, 25, i);
  clean.dispose();
  rows.push({ name, ...s });
  console.log(
    `${name}  noisy ${s.noisyPsnr.toFixed(2)}  →  ${s.psnr.toFixed(3)} dB  SSIM ${s.ssim.toFixed(4)}`,
  );
}
const mean = (k) => rows.reduce((a, r) => a + r[k], 0) / rows.length;
console.log(
  JSON.stringify({
    bench: 'dncnn σ=25 Set12',
    backend: tf.getBackend(),
    psnr: +mean('psnr').toFixed(3),
    ssim: +mean('ssim').toFixed(4),
    reference: { psnr: 30.45, ssim: 0.8617 },
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
  }),
);
