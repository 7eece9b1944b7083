// Training-step time of each classifier on wasm with @spikedistill/backend-wasm-train
// (training kernels, fused LIF, its default threads), on MNIST-sized input:
// Adam on cross-entropy, [batch, 28, 28, 1]. Medians of `rounds` steps after 2 warm-ups:
// wall time, and the process's CPU time (user + system, all threads), which a
// loaded machine inflates much less than wall time (report `uptime` with both).
// Build first:  npx -y pnpm@10.34.9 build
//   THREADS=1 node packages/classification/bench/train-step.mjs [batch=32] [T=4] [rounds=10] [name=options-json …]
// (THREADS: wasm threads, default the backend's; with 1, CPU time is close to idle-machine wall time.)
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import { neuronsPackage } from '@spikedistill/neurons';
import { classificationPackage, crossEntropy } from '../dist/index.js';

const [batch = 32, timesteps = 4, rounds = 10] = process.argv.slice(2, 5).map(Number);
const given = process.argv.slice(5).map((arg) => {
  const at = arg.indexOf('=');
  return at < 0 ? [arg, {}] : [arg.slice(0, at), JSON.parse(arg.slice(at + 1))];
});
const models = given.length
  ? given
  : [
      ['spiking-vgg', {}],
      ['vgg', {}],
      ['spiking-resnet', {}],
      ['resnet', {}],
    ];

const registry = createRegistry({
  packages: [corePackage, neuronsPackage, classificationPackage, wasmTrainPackage],
  seed: 1,
});
const threads = process.env.THREADS ? Number(process.env.THREADS) : undefined;
const selected = await selectBackend(registry, 'wasm', threads ? { wasm: { threads } } : {});
const x = tf.randomUniform([batch, 28, 28, 1]);
const y = tf.tensor1d(
  Array.from({ length: batch }, (_, i) => i % 10),
  'int32',
);
for (const [name, options] of models) {
  const spiking = name.startsWith('spiking');
  const model = registry.create('backbone', name, spiking ? { timesteps, ...options } : options);
  const optimizer = tf.train.adam(1e-3);
  const times = [];
  const cpu = [];
  for (let i = 0; i < rounds + 2; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const loss = optimizer.minimize(
      () => crossEntropy(model.forward(x, { training: true }).output, y),
      true,
      model.trainableVariables(),
    );
    loss.dataSync();
    loss.dispose();
    if (i >= 2) {
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  model.resetState();
  const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(
    JSON.stringify({
      bench: 'classifier train step',
      backend: selected.reason,
      threads: threads ?? 'default',
      model: name,
      options,
      batch,
      T: model.timesteps,
      params: model.parameterCount(),
      median_ms: Math.round(median(times)),
      min_ms: Math.round(times[0]),
      median_cpu_ms: Math.round(median(cpu)),
    }),
  );
  optimizer.dispose();
  model.dispose();
}
tf.dispose([x, y]);
