import { readFileSync } from 'node:fs';
import { SpikedistillError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  type RawTensor,
  type TensorData,
} from './safetensors.js';

export type TensorMap = Map<string, { shape: readonly number[]; data: Float32Array | Int32Array }>;

/** Copies a module's parameters and buffers out of the backend, keyed by dotted name. */
export function readState(module: Module, prefix = ''): TensorMap {
  const out: TensorMap = new Map();
  for (const [name, v] of module.stateDict()) {
    out.set(prefix + name, { shape: v.shape, data: v.dataSync() as Float32Array | Int32Array });
  }
  return out;
}

export interface LoadStateOptions {
  /** Name prefix in `tensors` that belongs to this module (e.g. `student.`). */
  prefix?: string;
  /** Require every tensor under `prefix` to be used (default true). */
  strict?: boolean;
  /** File name for error messages. */
  source?: string;
}

/**
 * Assigns tensors to a module's parameters and buffers by dotted name. Every
 * mismatch is an error naming the tensor: a missing one, a shape that differs,
 * and (strict) one the module does not have.
 */
export function loadState(
  module: Module,
  tensors: ReadonlyMap<
    string,
    RawTensor | { shape: readonly number[]; data: Float32Array | Int32Array }
  >,
  options: LoadStateOptions = {},
): void {
  const { prefix = '', strict = true, source = 'weights' } = options;
  const state = module.stateDict();
  const problems: string[] = [];
  for (const [name, v] of state) {
    const t = tensors.get(prefix + name);
    if (!t) {
      problems.push(`missing tensor '${prefix + name}' (shape [${v.shape}])`);
    } else if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
      problems.push(
        `tensor '${prefix + name}' has shape [${t.shape}], the model expects [${v.shape}]`,
      );
    }
  }
  if (strict) {
    for (const name of tensors.keys()) {
      if (name.startsWith(prefix) && !state.has(name.slice(prefix.length))) {
        problems.push(`unexpected tensor '${name}' (the model has no such parameter)`);
      }
    }
  }
  if (problems.length) {
    throw new SpikedistillError('E_WEIGHTS', `${source}: ${problems.join('; ')}`);
  }
  for (const [name, v] of state) {
    const t = tensors.get(prefix + name)!;
    tf.tidy(() => v.assign(tf.tensor(t.data, [...v.shape], v.dtype)));
  }
}

/** The scale a of values that are all in {−a, 0, a} (a > 0), or undefined if they are not ternary. */
function ternaryScale(values: Float32Array): number | undefined {
  let a: number | undefined;
  for (const v of values) {
    if (v === 0) continue;
    const m = Math.abs(v);
    if (a === undefined) a = m;
    else if (m !== a) return undefined;
  }
  return a;
}

/**
 * Saves a module as safetensors (atomically). Parameters that the model
 * computes with through a weight transform are saved as computed: ternary
 * ones as int8 codes {−1, 0, 1} with their scale in the metadata
 * (`ternary`), other transforms as their float values; loading restores the
 * values (`readSafetensorsFile`).
 */
export function saveModule(
  module: Module,
  path: string,
  metadata: Record<string, string> = {},
): void {
  const state = readState(module) as Map<string, TensorData>;
  const ternary: Record<string, number> = {};
  for (const [name, t] of module.transformedState()) {
    const values = t.dataSync() as Float32Array;
    const shape = t.shape;
    t.dispose();
    const scale = ternaryScale(values);
    if (scale === undefined) state.set(name, { shape, data: values });
    else {
      state.set(name, { shape, data: Int8Array.from(values, (v) => Math.sign(v)) });
      ternary[name] = scale;
    }
  }
  const meta = Object.keys(ternary).length
    ? { ...metadata, ternary: JSON.stringify(ternary) }
    : metadata;
  writeFileAtomic(path, encodeSafetensors(state, meta));
}

/** Turns int8 ternary codes back into their values (codes · scale), as `saveModule` wrote them. */
function dequantize(decoded: DecodedSafetensors, path: string): DecodedSafetensors {
  const spec = decoded.metadata.ternary;
  if (!spec) return decoded;
  let scales: Record<string, number>;
  try {
    scales = JSON.parse(spec) as Record<string, number>;
  } catch {
    throw new SpikedistillError('E_WEIGHTS', `${path}: its 'ternary' metadata is not JSON`);
  }
  for (const [name, scale] of Object.entries(scales)) {
    const t = decoded.tensors.get(name);
    if (t?.dtype !== 'I8' || typeof scale !== 'number' || !Number.isFinite(scale)) {
      throw new SpikedistillError(
        'E_WEIGHTS',
        `${path}: ternary tensor '${name}' is missing, not int8 codes, or has no finite scale`,
      );
    }
    decoded.tensors.set(name, {
      dtype: 'F32',
      shape: t.shape,
      data: Float32Array.from(t.data, (c) => c * scale),
    });
  }
  return decoded;
}

/** Reads a safetensors file; errors name the file. */
export function readSafetensorsFile(path: string) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SpikedistillError(
      'E_WEIGHTS',
      `Cannot read weights ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return dequantize(decodeSafetensors(bytes, path), path);
}

/** Loads a safetensors file written by `saveModule` into a module of the same architecture. */
export function loadModule(
  module: Module,
  path: string,
  options: Omit<LoadStateOptions, 'source'> = {},
): void {
  loadState(module, readSafetensorsFile(path).tensors, { ...options, source: path });
}
