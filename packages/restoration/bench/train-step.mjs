// Training-step time of each backbone (defaults, gray, batch 8, 48×48 patches,
// Adam, L1) on wasm, with and without @spikedistill/backend-wasm-train's kernels.
// Build first:  (cd packages/restoration && npx tsc -p tsconfig.build.json)
//   node packages/restoration/bench/train-step.mjs [plain|kernels]
import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { neuronsPackage } from '@spikedistill/neurons';
import { restorationPackage } from '../dist/index.js';

const mode = process.argv[2] ?? 'plain';
// core's wasm plugin, or backend-wasm-train's, which installs its kernels on activation.
const backends = mode === 'kernels' ? [corePackage, wasmTrainPackage] : [corePackage];
await selectBackend(createRegistry({ packages: backends }), 'wasm');
const registry = createRegistry({ packages: [neuronsPackage, restorationPackage], seed: 1 });
const names = ['dncnn', 'unet', 'spiking-dncnn', 'spiking-unet'].concat(
  mode === 'kernels' ? ['restormer-lite'] : [],
);
for (const name of names) {
  const model = registry.create('backbone', name);
  const optimizer = tf.train.adam(1e-4);
  const x = tf.randomUniform([8, 48, 48, 1]);
  const y = tf.randomUniform([8, 48, 48, 1]);
  const times = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const loss = optimizer.minimize(
      () => tf.mean(tf.abs(tf.sub(model.forward(x, { training: true }).output, y))),
      true,
    );
    loss.dataSync();
    loss.dispose();
    times.push(performance.now() - t0);
  }
  model.resetState();
  const best = Math.min(...times.slice(1));
  console.log(
    JSON.stringify({
      bench: 'train step',
      backend: `wasm (${mode})`,
      model: name,
      params: model.parameterCount(),
      best_ms: Math.round(best),
    }),
  );
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
}
