// One side of the benchmark: tfjs on wasm with this package's kernels, at the
// thread count given by --threads (a process has one wasm backend, so the
// runner starts one process per count). Prints one JSON line.
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { nativeConvStatus, wasmThreads, wasmTrainPackage } from '../dist/index.js';
import { convCases, median, parseArgs } from './common.mjs';
import { adapter, dncnn, hintStep, spikingUnet, trainStep } from './nets.mjs';

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

/**
 * The hint-distillation step: DnCNN-17 (64 channels, eval) frozen on ONNX
 * Runtime through @spikedistill/onnx (what `train` runs for a teacher),
 * computing only its tap q4 (the output of its last hidden layer), then an
 * Adam step of the spiking U-Net stand-in on L1 + 0.12 · MSE(1×1 adapter of
 * its decoder's firing rate, q4). Batch 8 of 48² as issue 15's teacher row.
 * @spikedistill/onnx and /restoration are imported from their dist folders:
 * as dependencies of this package they would close a cycle (onnx has this
 * package among its devDependencies).
 */
async function timeHintStep() {
  const [{ createFrozenModel }, { restorationPackage }] = await Promise.all([
    import('../../onnx/dist/index.js'),
    import('../../restoration/dist/index.js'),
  ]);
  const registry = createRegistry({ packages: [corePackage, restorationPackage], seed: 1 });
  const teacher = registry.create('backbone', 'dncnn', { depth: 17, width: 64 });
  teacher.eval();
  const frozen = await createFrozenModel(teacher, {
    engine: 'onnx',
    threads,
    taps: ['q4'],
    output: false,
    cacheDir: false,
  });
  if (frozen.engine !== 'onnx') throw new Error(`teacher not on ONNX Runtime: ${frozen.reason}`);
  const student = spikingUnet({ width: 16, timesteps: 4 });
  const adapt = adapter(16, 64);
  const optimizer = tf.train.adam(1e-3);
  const { clean, noisy } = batch(args.batch, 48, 20);
  const losses = [];
  const teacherMs = [];
  const step = async () => {
    const t0 = performance.now();
    const { taps } = await frozen.forward(noisy);
    teacherMs.push(performance.now() - t0);
    losses.push(hintStep(student, adapt, optimizer, noisy, clean, taps.q4));
    tf.dispose(Object.values(taps));
  };
  for (let i = 0; i < 3; i++) await step();
  teacherMs.length = 0;
  const ms = [];
  const cpuMs = [];
  for (let i = 0; i < args.reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await step();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  await frozen.dispose();
  tf.dispose([clean, noisy]);
  return {
    ms,
    cpuMs,
    median: median(ms),
    teacherMs,
    teacher: frozen.reason,
    firstLoss: losses[0],
    lastLoss: losses.at(-1),
  };
}
if (!args.only || args.only.includes('hint')) result.steps.hint = await timeHintStep();

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
