import { type Module, type RawTensor, readSafetensorsFile, tf } from '@spikedistill/core';
import { Conv2d, ConvTranspose2x2, DepthwiseConv2d } from '@spikedistill/nn';
import { WeightsError } from './weights-error.js';
import {
  type Assignment,
  applyWeights,
  assignAll,
  checkFloat,
  type LoadWeightsOptions,
} from './weights.js';

/** How a PyTorch tensor's axes map onto ours. */
interface Layout {
  /** Axes of the PyTorch tensor, in our order. */
  perm: number[];
  torch: string;
  ours: string;
}
const CONV: Layout = { perm: [2, 3, 1, 0], torch: 'OIHW', ours: 'HWIO' };
// ConvTranspose2d weight [in, out, kH, kW] → tfjs conv2dTranspose's [kH, kW, out, in].
const CONV_T: Layout = { perm: [2, 3, 1, 0], torch: 'IOHW', ours: 'HWOI' };
// Depthwise Conv2d(groups=C) weight [C, 1, kH, kW] → [kH, kW, C, 1].
const DEPTHWISE: Layout = { perm: [2, 3, 0, 1], torch: 'C1HW', ours: 'HWC1' };

/** A model that says what PyTorch calls each of its tensors (dncnn: `dncnn.{i}.…`). */
export interface TorchNamed {
  torchName(name: string): string;
}

/** PyTorch's names for our own: the same dotted path, BN buffers in snake case. */
export function defaultTorchName(name: string): string {
  return name.replace(/\.runningMean$/, '.running_mean').replace(/\.runningVar$/, '.running_var');
}

/** PyTorch buffers with no counterpart here. */
const IGNORED = /(^|\.)num_batches_tracked$/;

function layouts(model: Module): Map<tf.Variable, Layout> {
  const out = new Map<tf.Variable, Layout>();
  for (const [, m] of model.modules()) {
    if (m instanceof Conv2d) out.set(m.weight, CONV);
    else if (m instanceof ConvTranspose2x2) out.set(m.weight, CONV_T);
    else if (m instanceof DepthwiseConv2d) out.set(m.weight, DEPTHWISE);
  }
  return out;
}

function permute(
  data: Float32Array | Int32Array,
  shape: readonly number[],
  perm: number[],
): Float32Array {
  return tf.tidy(
    () =>
      tf.transpose(tf.tensor(Float32Array.from(data), [...shape]), perm).dataSync() as Float32Array,
  );
}

/**
 * Loads a PyTorch `state_dict` saved as safetensors: names through the
 * model's `torchName` (or the default), conv weights OIHW → HWIO (and the
 * transposed/depthwise layouts), BN running statistics, and
 * `num_batches_tracked` ignored. Shapes are checked in PyTorch's layout and
 * errors name both tensors.
 */
export function applyTorchWeights(
  model: Module & Partial<TorchNamed>,
  tensors: ReadonlyMap<string, RawTensor>,
  source: string,
  options: LoadWeightsOptions = {},
): void {
  const nameOf = model.torchName?.bind(model) ?? defaultTorchName;
  const layoutOf = layouts(model);
  const used = new Set<string>();
  const missing: string[] = [];
  const assignments: Assignment[] = [];
  for (const [name, variable] of model.stateDict()) {
    const torchName = nameOf(name);
    const t = tensors.get(torchName);
    if (!t) {
      missing.push(`${torchName} (for ${name})`);
      continue;
    }
    used.add(torchName);
    checkFloat(source, torchName, t, `'${name}'`);
    const layout = layoutOf.get(variable);
    const expected = layout
      ? layout.perm.map((_, i) => variable.shape[layout.perm.indexOf(i)]!)
      : variable.shape;
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      const how = layout
        ? ` (${layout.torch}; ours is ${layout.ours} [${variable.shape.join(', ')}])`
        : '';
      throw new WeightsError(
        `Weights file ${source}: tensor '${torchName}' has shape [${t.shape.join(', ')}], but '${name}' needs [${expected.join(', ')}]${how}`,
      );
    }
    const data = layout ? permute(t.data, t.shape, layout.perm) : t.data;
    assignments.push({ variable, shape: variable.shape, data });
  }
  if (missing.length) {
    const some = missing.slice(0, 10).join(', ');
    throw new WeightsError(
      `Weights file ${source} lacks ${missing.length} tensor(s) the model needs: ${some}${missing.length > 10 ? ', …' : ''}`,
    );
  }
  if (options.strict ?? true) {
    const extra = [...tensors.keys()].filter((k) => !used.has(k) && !IGNORED.test(k));
    if (extra.length) {
      throw new WeightsError(
        `Weights file ${source} has ${extra.length} tensor(s) the model does not use: ${extra.slice(0, 10).join(', ')} (pass strict: false to ignore them)`,
      );
    }
  }
  assignAll(assignments);
}

/**
 * Loads weights from a safetensors file, whichever names it uses: the
 * model's own (saveWeights) when it has all of them, else PyTorch's.
 */
export async function loadBackboneWeights(
  model: Module & Partial<TorchNamed>,
  path: string,
  options: LoadWeightsOptions = {},
): Promise<void> {
  const file = readSafetensorsFile(path);
  const own = [...model.stateDict().keys()].every((k) => file.tensors.has(k));
  if (own) applyWeights(model, file, path, options);
  else applyTorchWeights(model, file.tensors, path, options);
}

export async function loadTorchWeights(
  model: Module & Partial<TorchNamed>,
  path: string,
  options: LoadWeightsOptions = {},
): Promise<void> {
  applyTorchWeights(model, readSafetensorsFile(path).tensors, path, options);
}
