// A `hint` training step with the published DnCNN-17 teacher (σ = 25) and
// the flagship spiking U-Net student, batch 8×48², on wasm (1 thread), the
// teacher run three ways, side by side in one process:
//   in-tape  — the teacher's full forward inside tf.variableGrads, as the
//              trainer did before the strategy seam (its activations are
//              recorded for a backward pass that never uses them);
//   frozen   — the trainer today: the teacher outside the tape, in inference
//              mode, only as deep as the tapped layer (tfjsFrozenModel);
//   onnx     — the same frozen teacher on ONNX Runtime (the CLI's default).
// Prints median step time and the step's peak tensor memory above the
// resting state (tf.profile). Run after `pnpm build`:
//   node packages/cli/bench/hint-step.mjs [--reps 5]
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  buildExperiment,
  composeTaskLoss,
  parseExperimentConfig,
  selectBackend,
  stepLoss,
  tf,
  tfjsFrozenModel,
} from '@spikedistill/core';
import { createFrozenModel } from '@spikedistill/onnx';
import { createFullRegistry } from '../dist/packages.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const reps = Number(argv[argv.indexOf('--reps') + 1] || 5);
const teacherWeights = join(
  here,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'teachers',
  'dncnn_sigma25.safetensors',
);

const registry = createFullRegistry(1);
await selectBackend(registry, 'wasm', { wasm: { threads: 1 } });
const config = parseExperimentConfig({
  name: 'bench-hint',
  seed: 1,
  data: { name: 'procedural-denoise', options: { patch: 48, sigma: 25 } },
  teacher: { name: 'dncnn', options: { depth: 17, width: 64 }, weights: teacherWeights },
  student: {
    name: 'spiking-unet',
    options: { timesteps: 4, neuron: { name: 'lif', options: { tau: 2, threshold: 0.15 } } },
  },
  strategy: {
    name: 'hint',
    options: { layers: [['dec1', 'q4']], matcher: 'mse', adapter: 'conv1x1', weight: 0.12 },
  },
  loss: [{ name: 'l1' }],
});
const parts = buildExperiment(registry, config);
const { student, teacher, strategy } = parts;
const needs = strategy.needs.teacher;
teacher.eval();
const params = [student, ...Object.values(strategy.modules())].flatMap((m) =>
  m
    .namedParameters()
    .filter(([, v]) => v.trainable)
    .map(([, v]) => v),
);
const task = composeTaskLoss(parts.losses);
const input = tf.randomUniform([8, 48, 48, 1], 0, 1, 'float32', 7);
const batch = { input, target: tf.clone(input) };

const ort = await createFrozenModel(teacher, {
  engine: 'onnx',
  taps: needs.taps,
  output: needs.output,
});
const engines = {
  'in-tape': null,
  frozen: tfjsFrozenModel(teacher),
  onnx: { run: (x) => ort.forward(x) },
};

async function step(engine) {
  const frozen = engines[engine];
  const outside = frozen ? await frozen.run(batch.input, needs) : undefined;
  const { value, grads } = tf.variableGrads(() => {
    const run = outside ?? teacher.forward(batch.input, { taps: needs.taps });
    const inputs = { batch, task, teacher: run, step: 1, totalSteps: 1 };
    return stepLoss(student, strategy, inputs).total;
  }, params);
  await value.data();
  tf.dispose([value, ...Object.values(grads)]);
  if (outside)
    tf.dispose([...(outside.output ? [outside.output] : []), ...Object.values(outside.taps)]);
}

const rows = {};
for (const engine of Object.keys(engines)) rows[engine] = { ms: [], peakMB: 0 };
await step('frozen'); // warm-up: kernels compiled, sessions created
await step('onnx');
for (let r = 0; r < reps; r++) {
  for (const engine of Object.keys(engines)) {
    const t0 = performance.now();
    await step(engine);
    rows[engine].ms.push(performance.now() - t0);
  }
}
for (const engine of Object.keys(engines)) {
  const before = tf.memory().numBytes;
  const profile = await tf.profile(() => step(engine));
  rows[engine].peakMB = (profile.peakBytes - before) / 2 ** 20;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `hint step, DnCNN-17 teacher → spiking U-Net (T=4), batch 8×48², wasm 1 thread, ${reps} reps, load ${loadavg()[0].toFixed(2)}`,
);
console.log('teacher      median ms   peak MB above rest');
for (const [engine, r] of Object.entries(rows)) {
  console.log(
    `${engine.padEnd(12)} ${median(r.ms).toFixed(0).padStart(9)}   ${r.peakMB.toFixed(1).padStart(8)}`,
  );
}
