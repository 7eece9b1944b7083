import { type Backbone, createRegistry, type Module, Rng, tf } from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { register as registerRestoration } from '@spikedistill/restoration';
import * as ort from 'onnxruntime-node';

export const makeRegistry = (seed = 3) =>
  createRegistry({
    packages: [
      { name: '@spikedistill/neurons', register: registerNeurons },
      { name: '@spikedistill/restoration', register: registerRestoration },
    ],
    seed,
  });

/**
 * Gives every parameter and buffer values a trained model could have:
 * batch norms with non-trivial running statistics and gains, biases off
 * zero. Fresh initialisations leave norms at identity, which would test
 * little.
 */
export function randomizeState(model: Module, seed = 11): void {
  const rng = new Rng(seed);
  for (const [name, v] of model.stateDict()) {
    const n = v.size;
    const u = () => Float32Array.from({ length: n }, () => rng.uniform());
    const values = (f: (r: number) => number) => tf.tensor(u().map(f), v.shape);
    let next: tf.Tensor | undefined;
    if (name.endsWith('runningVar')) next = values((r) => 0.5 + 1.5 * r);
    else if (name.endsWith('runningMean')) next = values((r) => 0.2 * (r - 0.5));
    else if (/(norm|bn)\d*\.weight$/.test(name)) next = values((r) => 0.6 + 0.8 * r);
    else if (name.endsWith('bias')) next = values((r) => 0.1 * (r - 0.5));
    else if (name.endsWith('temperature')) next = values((r) => 0.5 + r);
    if (next) {
      v.assign(next);
      next.dispose();
    }
  }
}

export interface OrtResult {
  data: Float32Array;
  dims: number[];
}

/** Runs an exported model once in onnxruntime-node on one thread. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, tf.Tensor>,
): Promise<Record<string, OrtResult>> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      inputs[name] = new ort.Tensor('float32', Float32Array.from(t.dataSync()), t.shape);
    }
    const out = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(out).map(([name, t]) => [
        name,
        { data: Float32Array.from(t.data as Float32Array), dims: t.dims.map(Number) },
      ]),
    );
  } finally {
    await session.release();
  }
}

/** max |a − b| / max |b|: the error relative to the reference tensor's scale. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The tfjs forward in eval mode: output and taps as typed arrays. */
export function tfjsForward(
  model: Backbone,
  x: tf.Tensor4D,
  taps: readonly string[],
): Record<string, OrtResult> {
  const { output, taps: recorded } = model.forward(x, { training: false, taps });
  const all = { output, ...recorded };
  const result = Object.fromEntries(
    Object.entries(all).map(([name, t]) => [
      name,
      { data: Float32Array.from(t.dataSync()), dims: [...t.shape] },
    ]),
  );
  tf.dispose(Object.values(all));
  model.resetState();
  return result;
}

/**
 * Brings batch-norm running statistics near the statistics of `x` (training
 * forwards; momentum 0.1 each), as training would, so spiking layers see
 * currents at the scale of their thresholds and fire at realistic rates.
 */
export function calibrateNorms(model: Backbone, x: tf.Tensor4D, passes = 15): void {
  for (let i = 0; i < passes; i++) {
    tf.tidy(() => {
      model.forward(x, { training: true });
    });
    model.resetState();
  }
  model.eval();
}
