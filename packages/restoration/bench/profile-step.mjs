// Op-by-op profile of one training step of a restoration backbone on wasm
// (default: the spiking U-Net, widths [16, 32, 64], T = 4, batch 8 of 64²
// patches, L1, Adam): every wasm kernel timed where it runs
// (startKernelProfile of @spikedistill/backend-wasm-train), as process CPU
// time (steadier than wall time on a shared machine; at 1 thread it is the
// op's own compute). Only outermost kernel calls are timed; what no kernel
// covers (tape bookkeeping, op dispatch, JS between ops) is the "outside
// kernels" row.
//
//   pnpm --filter @spikedistill/restoration... build
//   node packages/restoration/bench/profile-step.mjs [--native off|auto] [--threads 1]
//     [--net spiking-unet] [--options '{"widths":[16,32,64]}'] [--reps 5] [--top 20] [--json out.json]
//
// Runs from the built dist of the workspace packages.
import { writeFileSync } from 'node:fs';
import { startKernelProfile, wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import { corePackage, createRegistry, Rng, selectBackend, tf } from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { register as registerRestoration } from '@spikedistill/restoration';

const args = {
  native: 'off',
  threads: '1',
  net: 'spiking-unet',
  options: '{"widths":[16,32,64],"timesteps":4}',
  batch: '8',
  size: '64',
  reps: '5',
  top: '20',
  json: '',
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];

const registry = createRegistry({
  packages: [
    corePackage,
    wasmTrainPackage,
    { name: 'neurons', register: registerNeurons },
    { name: 'restoration', register: registerRestoration },
  ],
  seed: 1,
});
const { backend } = await selectBackend(registry, 'wasm', {
  wasm: { threads: Number(args.threads), nativeConv: args.native },
});
const probe = await backend.probe();
const model = registry.create('backbone', args.net, JSON.parse(args.options));
const n = Number(args.batch);
const size = Number(args.size);
const rng = new Rng(5);
const clean = tf.tensor4d(
  Float32Array.from({ length: n * size * size }, () => rng.uniform()),
  [n, size, size, 1],
);
const noisy = tf.tidy(() => tf.add(clean, tf.randomNormal(clean.shape, 0, 0.1, 'float32', 3)));
const optimizer = tf.train.adam(1e-3);
const vars = model.trainableVariables();
const step = () => {
  const cost = optimizer.minimize(
    () => tf.mean(tf.abs(tf.sub(model.forward(noisy, { training: true }).output, clean))),
    true,
    vars,
  );
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
};

for (let i = 0; i < 2; i++) step();
const profiler = startKernelProfile('wasm');
const reps = Number(args.reps);
const stepMs = [];
const cpuMs = [];
for (let i = 0; i < reps; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  step();
  stepMs.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuMs.push((c.user + c.system) / 1000);
}
const timings = profiler.stop();
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const total = cpuMs.reduce((a, b) => a + b, 0) / reps;
const rows = timings.map((t) => ({
  op: t.kernel,
  cpuMs: t.cpuMs / reps,
  wallMs: t.wallMs / reps,
  calls: t.calls / reps,
}));
const inKernels = rows.reduce((a, r) => a + r.cpuMs, 0);
rows.push({ op: '(outside kernels: tape, dispatch, JS)', cpuMs: total - inKernels });
rows.sort((a, b) => b.cpuMs - a.cpuMs);

const label = `${args.net} ${args.options}, batch ${n}×${size}², ${args.threads} thread(s); ${probe.available ? probe.detail : ''}`;
console.log(label);
console.log(
  `step: ${total.toFixed(0)} ms CPU (mean), median ${median(cpuMs).toFixed(0)} ms CPU, ${median(stepMs).toFixed(0)} ms wall (${reps} steps)`,
);
console.log('');
console.log('| op | CPU ms/step | % of step | calls/step | wall ms/step |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows.slice(0, Number(args.top))) {
  const wall = r.wallMs === undefined ? '' : r.wallMs.toFixed(1);
  console.log(
    `| ${r.op} | ${r.cpuMs.toFixed(1)} | ${((100 * r.cpuMs) / total).toFixed(1)} | ${r.calls ?? ''} | ${wall} |`,
  );
}
if (args.json) {
  writeFileSync(
    args.json,
    `${JSON.stringify({ label, stepMs, cpuMs, rows, date: new Date().toISOString() }, null, 2)}\n`,
  );
}
