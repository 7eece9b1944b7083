// The Node side of the BSD68 row: `evaluate` of the pretrained DnCNN-17
// (σ = 25) over BSD68 at full size, PSNR only, the teacher on --engine (onnx
// by default) at --threads: image decoding, noise, forward and metric, as
// `spikedistill eval` runs them. Prints one JSON line.
import { join } from 'node:path';
import {
  corePackage,
  createRegistry,
  evaluate,
  loadBackboneWeights,
  selectBackend,
} from '@spikedistill/core';
import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import { register as registerDatasets } from '@spikedistill/plugins-datasets';
import { createFrozenModel } from '../dist/index.js';
import { parseArgs, registry } from './common.mjs';

const args = parseArgs(process.argv.slice(2), {
  engine: 'onnx',
  threads: 2,
  root: '',
  weights: '',
});
await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm', {
  wasm: { threads: args.engine === 'tfjs' ? args.threads : 1, nativeConv: 'off' },
});

const r = registry(1);
registerDatasets(r);
const teacher = r.create('backbone', 'dncnn', { depth: 17, width: 64 });
loadBackboneWeights(teacher, args.weights);
const data = r.create('dataset', 'folder-denoise', {
  test: ['BSD68'],
  sigma: 25,
  root: args.root,
});
const psnr = r.create('metric', 'psnr', {});
const frozen = await createFrozenModel(teacher, {
  engine: args.engine,
  threads: args.threads,
  cacheDir: false,
});
const t0 = performance.now();
const c0 = process.cpuUsage();
const [scores] = await evaluate(teacher, data.evalSets(), [psnr], {
  forward: async (x) => (await frozen.forward(x)).output,
});
const c = process.cpuUsage(c0);
const seconds = (performance.now() - t0) / 1000;
await frozen.dispose();
data.close?.();
console.log(
  JSON.stringify({
    engine: args.engine,
    threads: args.threads,
    seconds,
    cpuSeconds: (c.user + c.system) / 1e6,
    images: scores.images,
    psnr: scores.model.psnr,
    reason: frozen.reason,
    weights: join(args.weights),
  }),
);
