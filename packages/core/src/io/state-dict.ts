import { readFileSync } from 'node:fs';
import { SpikedistillError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { writeFileAtomic } from './atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type RawTensor } from './safetensors.js';

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

/** Saves a module as safetensors (atomically). */
export function saveModule(
  module: Module,
  path: string,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(readState(module), metadata));
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
  return decodeSafetensors(bytes, path);
}

/** Loads a safetensors file written by `saveModule` into a module of the same architecture. */
export function loadModule(
  module: Module,
  path: string,
  options: Omit<LoadStateOptions, 'source'> = {},
): void {
  loadState(module, readSafetensorsFile(path).tensors, { ...options, source: path });
}
