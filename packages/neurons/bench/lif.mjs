// Multi-step LIF forward + backward (BPTT) and a SpikingConvBlock training
// step on wasm; the fused kernel where the compute package registers it.
//   npx -y pnpm@10.34.9 --filter "@spikedistill/neurons..." run build && node bench/lif.mjs
// Prints one JSON line per measurement. BENCH_SECONDS (default 2) per row;
// BENCH_BACKENDS (default cpu,wasm).
import { corePackage, createRegistry, hasFusedLif, selectBackend, tf } from '@spikedistill/core';
import { LifNeuron, neuronsPackage, SpikingConvBlock } from '../dist/index.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const packages = [corePackage, neuronsPackage];
try {
  const train = await import('@spikedistill/backend-wasm-train');
  packages.push({ name: train.packageName, register: train.register });
} catch {
  // Without the compute package: plain wasm, unfused only.
}
const registry = createRegistry({ packages, seed: 1 });

function measure(fn) {
  for (let i = 0; i < 2; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    fn();
    n++;
  }
  return +((performance.now() - t0) / n).toFixed(2);
}

const [T, N, H, W, C] = [4, 8, 64, 64, 16];
for (const backend of (process.env.BENCH_BACKENDS ?? 'cpu,wasm').split(',')) {
  await selectBackend(registry, backend);
  const surrogate = registry.create('surrogate', 'sigmoid');
  const x = tf.randomUniform([T, N, H, W, C], 0, 2, 'float32', 1);
  for (const fused of [false, true]) {
    if (fused && !hasFusedLif()) continue;
    const lif = new LifNeuron(
      { tau: 2, threshold: 1, vReset: 0, decayInput: true, detachReset: false },
      surrogate,
    );
    lif.allowFused = fused;
    const forwardMs = measure(() => {
      tf.dispose(lif.forward(x));
      lif.resetState();
    });
    const trainMs = measure(() => {
      const g = tf.grad((z) => {
        const s = tf.sum(lif.forward(z));
        lif.resetState();
        return s;
      })(x);
      g.dispose();
    });
    console.log(
      JSON.stringify({ op: 'lif', backend, fused, shape: [T, N, H, W, C], forwardMs, trainMs }),
    );
  }
  // cpu's conv filter gradient is far too slow for a training step at this size.
  if (backend === 'cpu') {
    x.dispose();
    continue;
  }
  const lifFactory = registry.createFrom('neuron', { name: 'lif', options: { threshold: 0.15 } });
  const block = new SpikingConvBlock({ inChannels: C, outChannels: C, neuron: lifFactory });
  const blockMs = measure(() => {
    const { value, grads } = tf.variableGrads(() => {
      const s = tf.mean(block.forward(x));
      block.resetState();
      return s;
    });
    tf.dispose([value, ...Object.values(grads)]);
  });
  console.log(
    JSON.stringify({
      op: 'spiking-conv-block-3x3',
      backend,
      shape: [T, N, H, W, C],
      trainStepMs: blockMs,
    }),
  );
  block.dispose();
  x.dispose();
}
