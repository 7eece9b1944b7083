// Op-by-op profile of one training step of the benchmark nets (nets.mjs) on
// wasm: every kernel timed where it runs (startKernelProfile), as process
// CPU time per step. Prints a table per net; --json writes them.
//
//   node packages/backend-wasm-train/bench/profile-step.mjs [--nativeConv off|auto]
//     [--threads 1] [--only sunet-t4,dncnn6] [--reps 5] [--top 16] [--json out.json]
import { writeFileSync } from 'node:fs';
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { nativeConvStatus, startKernelProfile, wasmTrainPackage } from '../dist/index.js';
import { median } from './common.mjs';
import { dncnn, spikingUnet, trainStep } from './nets.mjs';

const args = {
  nativeConv: 'off',
  threads: '1',
  only: 'sunet-t4,dncnn6',
  reps: '5',
  top: '16',
  json: '',
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];

await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm', {
  wasm: { threads: Number(args.threads), nativeConv: args.nativeConv },
});
const conv = nativeConvStatus();

const nets = {
  dncnn6: () => [dncnn({ depth: 6, width: 32 }), 'mse'],
  'sunet-t4': () => [spikingUnet({ width: 16, timesteps: 4 }), 'l1'],
};
const out = {};
for (const name of args.only.split(',')) {
  const [net, loss] = nets[name]();
  const optimizer = tf.train.adam(1e-3);
  const clean = tf.randomUniform([8, 64, 64, 1], 0, 1, 'float32', 10);
  const noisy = tf.add(clean, tf.randomNormal(clean.shape, 0, 0.1, 'float32', 11));
  for (let i = 0; i < 2; i++) trainStep(net, optimizer, noisy, clean, loss);
  const profiler = startKernelProfile('wasm');
  const reps = Number(args.reps);
  const cpu = [];
  const wall = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    trainStep(net, optimizer, noisy, clean, loss);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const timings = profiler.stop();
  const stepCpu = cpu.reduce((a, b) => a + b, 0) / reps;
  const calls = timings.reduce((a, t) => a + t.calls, 0);
  const timers = (calls * profiler.overheadMsPerCall) / reps;
  const rows = timings.map((t) => ({ op: t.kernel, cpuMs: t.cpuMs / reps, calls: t.calls / reps }));
  const inKernels = rows.reduce((a, r) => a + r.cpuMs, 0);
  rows.push({ op: '(outside kernels: tape, dispatch, JS)', cpuMs: stepCpu - inKernels - timers });
  rows.push({ op: '(the timers themselves)', cpuMs: timers });
  rows.sort((a, b) => b.cpuMs - a.cpuMs);
  const label = `${name}, ${args.threads} thread(s), conv passes: ${conv.active ? conv.engine : 'wasm (XNNPACK)'}`;
  console.log(`\n${label}`);
  console.log(
    `step: ${stepCpu.toFixed(0)} ms CPU (mean of ${reps}; timers included), median wall ${median(wall).toFixed(0)} ms`,
  );
  console.log('\n| op | CPU ms/step | % | calls/step |\n|---|---:|---:|---:|');
  for (const r of rows.slice(0, Number(args.top))) {
    console.log(
      `| ${r.op} | ${r.cpuMs.toFixed(1)} | ${((100 * r.cpuMs) / stepCpu).toFixed(1)} | ${r.calls ?? ''} |`,
    );
  }
  out[name] = { label, stepCpuMs: cpu, stepWallMs: wall, rows };
  tf.dispose([clean, noisy]);
  optimizer.dispose();
}
if (args.json)
  writeFileSync(
    args.json,
    `${JSON.stringify({ date: new Date().toISOString(), ...out }, null, 2)}\n`,
  );
