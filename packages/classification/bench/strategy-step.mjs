// Training-step time of the example's student (spiking-vgg, defaults, T=4) under
// each strategy of examples/tna-classification, through core's trainer on the
// digits: strategy none, output-kd (ANN twin teacher, untrained here: only its
// cost matters) and tna, full precision and ternary. Wall and process CPU time
// per step (user + system, all threads); report `uptime` with them.
// Build first:  npx -y pnpm@10.34.9 build
//   THREADS=1 node packages/classification/bench/strategy-step.mjs [steps=12] [batch=32]
import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import {
  corePackage,
  createRegistry,
  experimentConfig,
  runExperiment,
  selectBackend,
} from '@spikedistill/core';
import * as hints from '@spikedistill/hints';
import { neuronsPackage } from '@spikedistill/neurons';
import { classificationPackage } from '../dist/index.js';

const [steps = 12, batch = 32] = process.argv.slice(2, 4).map(Number);
const threads = process.env.THREADS ? Number(process.env.THREADS) : undefined;
const registry = () =>
  createRegistry({
    packages: [
      corePackage,
      neuronsPackage,
      { name: hints.packageName, register: hints.register },
      classificationPackage,
      wasmTrainPackage,
    ],
    seed: 1,
  });
await selectBackend(registry(), 'wasm', threads ? { wasm: { threads } } : {});

const variants = [
  ['none', { name: 'none' }],
  ['output-kd', { name: 'output-kd', options: { distance: 'mse' } }],
  ['tna', { name: 'tna' }],
  ['tna ternary', { name: 'tna', options: { quantizer: 'ternary' } }],
];
for (const [label, strategy] of variants) {
  const r = registry();
  const wall = [];
  const cpu = [];
  let c0 = process.cpuUsage();
  r.events.on('step', (e) => {
    const c = process.cpuUsage(c0);
    c0 = process.cpuUsage();
    if (e.step > 2) {
      wall.push(e.msPerStep);
      cpu.push((c.user + c.system) / 1000);
    }
  });
  await runExperiment(
    r,
    experimentConfig.parse({
      name: 'bench',
      data: { name: 'mnist', options: { trainSize: 2000, testSize: 100 } },
      student: { name: 'spiking-vgg', options: { timesteps: 4 } },
      teacher: { name: 'vgg' },
      strategy,
      loss: [{ name: 'cross-entropy' }],
      metrics: [{ name: 'accuracy' }],
      train: { steps, batch, lr: 1e-3, evalEvery: 0, checkpointEvery: 0 },
    }),
  );
  const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(
    JSON.stringify({
      bench: 'classifier strategy step',
      strategy: label,
      student: 'spiking-vgg (defaults, T=4)',
      batch,
      threads: threads ?? 'default',
      median_ms: Math.round(median(wall)),
      median_cpu_ms: Math.round(median(cpu)),
    }),
  );
}
