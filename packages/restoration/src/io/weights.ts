import {
  type DecodedSafetensors,
  type Module,
  type RawTensor,
  readSafetensorsFile,
  saveModule,
  tf,
} from '@spikedistill/core';
import { WeightsError } from './weights-error.js';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/** The module's parameters and buffers, by dotted name, as safetensors. */
export async function saveWeights(
  module: Module,
  path: string,
  metadata: Record<string, string> = {},
): Promise<void> {
  try {
    saveModule(module, path, { format: 'spikedistill', ...metadata });
  } catch (err) {
    throw new WeightsError(`Cannot write weights file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export interface LoadWeightsOptions {
  /** Refuse tensors in the file that the model does not have (default true). */
  strict?: boolean;
}

/** One tensor to assign, already in the model's layout. */
export interface Assignment {
  variable: tf.Variable;
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

/**
 * Assigns all or nothing: every check runs before the first variable
 * changes, so a failed load leaves the model as it was.
 */
export function assignAll(assignments: readonly Assignment[]): void {
  for (const { variable, shape, data } of assignments) {
    tf.tidy(() => variable.assign(tf.tensor(Float32Array.from(data), [...shape], 'float32')));
  }
}

export function checkFloat(source: string, name: string, t: RawTensor, model: string): void {
  if (!FLOAT_DTYPES.has(t.dtype)) {
    throw new WeightsError(
      `Weights file ${source}: tensor '${name}' is ${t.dtype}, but ${model} is floating point (F32, F16, BF16 or F64)`,
    );
  }
}

const list = (names: readonly string[]) =>
  names.slice(0, 10).join(', ') + (names.length > 10 ? `, … (${names.length} in all)` : '');

/** Loads weights saved under the model's own names (saveWeights) into `module`. */
export function applyWeights(
  module: Module,
  file: DecodedSafetensors,
  source: string,
  options: LoadWeightsOptions = {},
): void {
  const state = module.stateDict();
  const missing: string[] = [];
  const assignments: Assignment[] = [];
  for (const [name, variable] of state) {
    const t = file.tensors.get(name);
    if (!t) {
      missing.push(name);
      continue;
    }
    checkFloat(source, name, t, `the model's '${name}'`);
    if (
      t.shape.length !== variable.shape.length ||
      t.shape.some((d, i) => d !== variable.shape[i])
    ) {
      throw new WeightsError(
        `Weights file ${source}: tensor '${name}' has shape [${t.shape.join(', ')}], the model expects [${variable.shape.join(', ')}]`,
      );
    }
    assignments.push({ variable, shape: t.shape, data: t.data });
  }
  if (missing.length) {
    throw new WeightsError(
      `Weights file ${source} lacks ${missing.length} tensor(s) the model needs: ${list(missing)}. ` +
        `It holds: ${list([...file.tensors.keys()])}`,
    );
  }
  if (options.strict ?? true) {
    const extra = [...file.tensors.keys()].filter((k) => !state.has(k));
    if (extra.length) {
      throw new WeightsError(
        `Weights file ${source} has ${extra.length} tensor(s) the model does not: ${list(extra)} (pass strict: false to ignore them)`,
      );
    }
  }
  assignAll(assignments);
}

export async function loadWeights(
  module: Module,
  path: string,
  options: LoadWeightsOptions = {},
): Promise<void> {
  applyWeights(module, readSafetensorsFile(path), path, options);
}
