import { type Backbone, tf } from '@spikedistill/core';
import * as ort from 'onnxruntime-node';

export { calibrateNorms, makeRegistry, randomizeState } from './models.js';

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
