// Training sampler throughput (batches/s) at default sizes, arrays and tensors.
//   npx -y pnpm@10.34.9 run build && node bench/sampler.mjs
// Train400 needs ../shared/datasets (or $SPIKEDISTILL_DATA); procedural needs nothing.
import os from 'node:os';
import { createRegistry, tf } from '@spikedistill/core';
import { register } from '../dist/index.js';

await tf.setBackend('cpu');
const registry = createRegistry({ seed: 1, packages: [{ name: 'datasets', register }] });
const seconds = Number(process.env.BENCH_SECONDS ?? 2);

async function measure(label, make, batch, tensors) {
  const data = make();
  await data.ready();
  // Warm-up: JIT and the first prefetched batches.
  for (let i = 0; i < 5; i++) await data.nextArrays(batch);
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < seconds * 1000) {
    if (tensors) {
      const b = await data.nextBatch(batch);
      tf.dispose([b.input, b.target]);
    } else {
      await data.nextArrays(batch);
    }
    n++;
  }
  const perSec = n / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(c0);
  const perCpuSec = n / ((cpu.user + cpu.system) / 1e6);
  data.close();
  const row = {
    source: label,
    batch,
    patch: data.patch,
    channels: data.channels,
    tensors,
    batches_per_s: Math.round(perSec),
    batches_per_cpu_s: Math.round(perCpuSec),
    ms_per_batch: +(1000 / perSec).toFixed(3),
  };
  console.log(JSON.stringify(row));
  return row;
}

const rows = [];
for (const patch of [48, 64]) {
  for (const tensors of [false, true]) {
    try {
      rows.push(
        await measure(
          'Train400',
          () =>
            registry.create('dataset', 'folder-denoise', { train: 'Train400', test: [], patch }),
          8,
          tensors,
        ),
      );
    } catch (err) {
      console.log(`Train400 skipped: ${err.message}`);
      break;
    }
  }
  for (const channels of [1, 3]) {
    rows.push(
      await measure(
        `procedural (${channels === 1 ? 'gray' : 'RGB'})`,
        () => registry.create('dataset', 'procedural-denoise', { patch, channels }),
        8,
        false,
      ),
    );
  }
}
console.log(`\nload average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`);
console.log(
  '\n| source | patch | C | tensors | batches/s (wall) | batches/CPU-s | ms/batch (wall) |\n|---|---|---|---|---|---|---|',
);
for (const r of rows)
  console.log(
    `| ${r.source} | ${r.patch} | ${r.channels} | ${r.tensors ? 'yes' : 'no'} | ${r.batches_per_s} | ${r.batches_per_cpu_s} | ${r.ms_per_batch} |`,
  );
