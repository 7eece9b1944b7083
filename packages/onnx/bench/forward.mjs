// One Node side of the teacher-forward row: DnCNN-17 (64 channels, BN) on a
// batch of 8×48²×1, eval mode, at --threads, through the frozen-model API on
// --engine onnx (ONNX Runtime; includes the copies from and to the tfjs wasm
// tensors) or tfjs (the wasm backend with @spikedistill/backend-wasm-train).
// For onnx it also times session.run alone. Prints one JSON line.
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { wasmThreads, wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import * as ort from 'onnxruntime-node';
import { createFrozenModel, exportOnnx } from '../dist/index.js';
import { median, parseArgs, registry, timeIt } from './common.mjs';

const args = parseArgs(process.argv.slice(2), { engine: 'onnx', threads: 1, reps: 10, warmup: 3 });
// The training backend is wasm either way: the teacher's tensors live there.
// Its convolutions stay on wasm (nativeConv 'off'): this row is tfjs-wasm's.
await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm', {
  wasm: { threads: args.engine === 'tfjs' ? args.threads : 1, nativeConv: 'off' },
});

const teacher = registry().create('backbone', 'dncnn', { depth: 17, width: 64 });
teacher.eval();
const x = tf.randomUniform([8, 48, 48, 1], 0, 1, 'float32', 7);
const frozen = await createFrozenModel(teacher, {
  engine: args.engine,
  threads: args.threads,
  cacheDir: false,
});
const forward = async () => {
  const { output } = await frozen.forward(x);
  output.dataSync();
  output.dispose();
};
const t = await timeIt(forward, args.warmup, args.reps);
const result = {
  engine: args.engine,
  threads: args.engine === 'tfjs' ? await wasmThreads() : args.threads,
  reason: frozen.reason,
  forward: { ...t, median: median(t.ms), cpuMedian: median(t.cpuMs) },
};

if (args.engine === 'onnx') {
  const session = await ort.InferenceSession.create(exportOnnx(teacher).bytes, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const input = new ort.Tensor('float32', x.dataSync(), x.shape);
  const r = await timeIt(() => session.run({ input }), args.warmup, args.reps);
  result.runOnly = { ...r, median: median(r.ms), cpuMedian: median(r.cpuMs) };
  await session.release();
}
await frozen.dispose();
console.log(JSON.stringify(result));
