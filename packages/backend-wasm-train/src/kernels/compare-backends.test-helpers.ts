import { corePackage, createRegistry, selectBackend, tf } from '@spikedistill/core';
import { expect } from 'vitest';
import { wasmTrainPackage } from '../index.js';

type Result = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;

function flatten(result: Result): tf.Tensor[] {
  if (result instanceof tf.Tensor) return [result];
  if (Array.isArray(result)) return result;
  return Object.values(result);
}

/** Activates wasm through this package's plugin, so with its kernels (call in beforeAll). */
export function useWasm(): Promise<void> {
  return useWasmWith({});
}

/**
 * `useWasm` with the plugin's options. The kernel tests test the wasm
 * kernels: conv passes stay off ONNX Runtime unless a test asks (src/native's
 * tests do). (Not `useWasm(options)`: vitest reads a hook's first parameter
 * as a fixture.)
 */
export async function useWasmWith(options: {
  nativeConv?: 'auto' | 'on' | 'off';
  threads?: number;
}): Promise<void> {
  await selectBackend(createRegistry({ packages: [corePackage, wasmTrainPackage] }), 'wasm', {
    wasm: { nativeConv: options.nativeConv ?? 'off', threads: options.threads ?? 'auto' },
  });
}

/** Runs `fn` on `backend` and returns every output's values and shape, leaving no tensors. */
export async function runOn(
  backend: 'cpu' | 'wasm',
  fn: () => Result,
): Promise<{ values: Float32Array; shape: number[] }[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => flatten(fn()));
  const values = outs.map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape }));
  tf.dispose(outs);
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return values;
}

/** max |a − b| / max |a|: relative to the output's scale, as float32 rounding is. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / (scale || 1);
}

/**
 * Runs `fn` on cpu (the reference) and on wasm and expects the same shapes
 * and values to `tolerance` relative error. Inputs must be made inside `fn`
 * from seeds so both backends see the same numbers.
 */
export async function expectSameOnCpuAndWasm(fn: () => Result, tolerance = 1e-4): Promise<void> {
  const ref = await runOn('cpu', fn);
  const got = await runOn('wasm', fn);
  expect(got.length).toBe(ref.length);
  ref.forEach((r, i) => {
    expect(got[i]!.shape, `output ${i} shape`).toEqual(r.shape);
    expect(relativeError(r.values, got[i]!.values), `output ${i}`).toBeLessThanOrEqual(tolerance);
  });
}

/** Seeded normal tensor (same values on every backend; tfjs treats seed 0 as unseeded). */
export function randn(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed + 1);
}

/**
 * Checks tf.grad of the scalar `loss` w.r.t. `x` on the active backend against
 * central differences at `probes` seeded positions. float32 only: eps ~1e-2
 * keeps the rounding error of the differences well under the tolerance.
 */
export function expectGradMatchesFiniteDifferences(
  loss: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  { probes = 12, eps = 1e-2, tolerance = 2e-2, seed = 7 } = {},
): void {
  const grad = tf.tidy(() => tf.grad(loss)(x));
  const g = grad.dataSync();
  grad.dispose();
  const base = x.dataSync().slice();
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  let gScale = 0;
  for (const v of g) gScale = Math.max(gScale, Math.abs(v));
  for (let p = 0; p < probes; p++) {
    const i = Math.floor(next() * base.length);
    const at = (delta: number) =>
      tf.tidy(() => {
        const values = base.slice();
        values[i] = base[i]! + delta;
        return loss(tf.tensor(values, x.shape)).dataSync()[0]!;
      });
    const fd = (at(eps) - at(-eps)) / (2 * eps);
    expect(
      Math.abs(fd - g[i]!),
      `d loss / d x[${i}]: analytic ${g[i]}, numeric ${fd}`,
    ).toBeLessThanOrEqual(tolerance * Math.max(gScale, 1e-3));
  }
}

/** Runs one kernel by name on the active backend (ops that tfjs does not export). */
export function kernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}
