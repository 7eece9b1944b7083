// One side of the benchmark: tfjs on wasm with this package's kernels, at the
// thread count given by --threads (a process has one wasm backend, so the
// runner starts one process per count). Prints one JSON line.
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { nativeConvStatus, wasmThreads, wasmTrainPackage } from '../dist/index.js';
import { convCases, median, parseArgs } from './common.mjs';
import { dncnn, spikingUnet, trainStep } from './nets.mjs';

const args = parseArgs(process.argv.slice(2));
// The plugin sets the thread count, installs every kernel of this package and
// routes the conv passes: 'off' XNNPACK on wasm, 'auto' onnxruntime-node when it loads.
await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm', {
  wasm: { threads: args.threads, nativeConv: args.nativeConv },
});
const threads = args.threads;
const conv = nativeConvStatus();

/** Wall-clock ms per call; `cpu` collects this process's CPU ms too (all threads). */
function timeIt(fn, warmup, reps, cpu) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu?.push((c.user + c.system) / 1000);
  }
  return times;
}

function batch(n, size, seedBase) {
  const clean = tf.randomUniform([n, size, size, 1], 0, 1, 'float32', seedBase);
  const noisy = tf.add(clean, tf.randomNormal(clean.shape, 0, 0.1, 'float32', seedBase + 1));
  return { clean, noisy };
}

const result = {
  engine: conv.active ? 'tfjs-wasm+native' : 'tfjs-wasm',
  nativeConv: { mode: conv.mode, engine: conv.engine, reason: conv.reason },
  threads: await wasmThreads(),
  asked: threads,
  steps: {},
  conv: [],
};

const nets = [
  ['dncnn6', () => dncnn({ depth: 6, width: 32 }), 'mse'],
  ['sunet-t4', () => spikingUnet({ width: 16, timesteps: 4 }), 'l1'],
  ['sunet-t4-unfused', () => spikingUnet({ width: 16, timesteps: 4, fused: false }), 'l1'],
];
for (const [name, make, loss] of nets) {
  if (args.only && !args.only.includes(name)) continue;
  const net = make();
  const optimizer = tf.train.adam(1e-3);
  const { clean, noisy } = batch(args.batch, 64, 10);
  const losses = [];
  const cpu = [];
  const times = timeIt(
    () => losses.push(trainStep(net, optimizer, noisy, clean, loss)),
    3,
    args.reps,
    cpu,
  );
  result.steps[name] = {
    ms: times,
    cpuMs: cpu,
    median: median(times),
    firstLoss: losses[0],
    lastLoss: losses.at(-1),
  };
  tf.dispose([clean, noisy]);
}

for (const c of args.convReps > 0 ? convCases : []) {
  const [n, h, w, cin] = c.x;
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 3);
  const f = tf.randomNormal([3, 3, cin, c.cout], 0, 0.1, 'float32', 4);
  const y = tf.conv2d(x, f, c.stride, 'same');
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 5);
  const flops = 2 * y.shape[0] * y.shape[1] * y.shape[2] * c.cout * cin * 9;
  const attrs = {
    strides: [c.stride, c.stride],
    pad: 'same',
    dataFormat: 'NHWC',
    dimRoundingMode: undefined,
  };
  const passes = {
    forward: () => tf.conv2d(x, f, c.stride, 'same'),
    dx: () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropInput',
          { dy, filter: f },
          { ...attrs, inputShape: [n, h, w, cin] },
        ),
    dW: () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: f.shape }),
  };
  const row = { name: c.name, flops, passes: {} };
  for (const [pass, run] of Object.entries(passes)) {
    try {
      const cpu = [];
      const times = timeIt(() => tf.dispose(run()), 2, args.convReps, cpu);
      row.passes[pass] = {
        median: median(times),
        cpuMedian: median(cpu),
        gflops: flops / median(times) / 1e6,
      };
    } catch (err) {
      row.passes[pass] = { error: String(err.message ?? err).split('\n')[0] };
    }
  }
  result.conv.push(row);
  tf.dispose([x, f, y, dy]);
}

result.nativeConv.passes = nativeConvStatus().passes;
console.log(JSON.stringify(result));
