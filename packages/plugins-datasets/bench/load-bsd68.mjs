// Loading all 68 BSD68 images and adding σ=25 noise (target: under 2 s).
// Needs ../shared/datasets (or $SPIKEDISTILL_DATA). Build first:
//   npx -y pnpm@10.34.9 run build && node bench/load-bsd68.mjs
import os from 'node:os';
import { createRegistry } from '@spikedistill/core';
import { register } from '../dist/index.js';

const registry = createRegistry({ seed: 1, packages: [{ name: 'datasets', register }] });
const runs = [];
const cpus = [];
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  // The evaluation path a trainer uses: decode, convert, seeded noise, per image.
  const data = registry.create('dataset', 'folder-denoise', {
    train: 'Set12',
    test: ['BSD68'],
    sigma: 25,
    cache: false,
    prefetch: 0,
  });
  let pixels = 0;
  let count = 0;
  for await (const pair of data.evalSets()[0].pairs()) {
    pixels += pair.noisy.data.length;
    count++;
  }
  const ms = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const cpuMs = (c1.user + c1.system) / 1000;
  cpus.push(cpuMs);
  data.close();
  runs.push(ms);
  console.log(
    `run ${run + 1}: ${count} images, ${(pixels / 1e6).toFixed(2)} Mpixel, ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU`,
  );
}
console.log(
  JSON.stringify({
    bench: 'load BSD68 + awgn σ=25',
    images: 68,
    first_ms: Math.round(runs[0]),
    best_ms: Math.round(Math.min(...runs)),
    first_cpu_ms: Math.round(cpus[0]),
    best_cpu_ms: Math.round(Math.min(...cpus)),
    loadavg: os.loadavg()[0].toFixed(1),
    cores: os.availableParallelism(),
    target_ms: 2000,
  }),
);
