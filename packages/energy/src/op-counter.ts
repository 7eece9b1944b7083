import { tf } from '@spikedistill/core';
import { withWrappedKernels } from './wrap-kernels.js';

/** One convolution / matmul call seen during a forward pass. */
export interface LayerOps {
  /** `conv#3 3×3 16→32 @32×32` — call order, kernel size, channels, output size. */
  label: string;
  kernel: string;
  /** Multiply-accumulates of the equivalent dense (ANN) layer, batch included. */
  macs: number;
  /**
   * Analog layer: the fraction of non-zero input elements. Spiking layer: the
   * spike events per input element — its input firing rate, or, after a
   * k×k average pool of spikes, the spikes the pooled values sum (up to k²).
   */
  inputDensity: number;
  /**
   * Whether the input was produced by spiking neurons (possibly reshaped,
   * padded, concatenated or upsampled on the way): decided from where the
   * tensor came from, never from its values — an all-zero analog input is
   * still analog. Its work is then the accumulates its spikes trigger.
   */
  spikeInput: boolean;
  /**
   * How many spikes one input value can sum: 1 for spikes, k² after a k×k
   * average pool of spikes (whose 1/k² a chip folds into the next weights,
   * leaving one accumulate per spike). 0 for analog input.
   */
  spikesPerValue: number;
  /** Number of weights (for memory models). */
  weights: number;
  /** Bits per stored weight: 2 when the layer's weights take at most three values (ternary), else 32. */
  weightBits: number;
  /** Elements of one input and one output sample (for memory models). */
  inputElements: number;
  outputElements: number;
  /** Samples in the call (batch × time steps when T is folded into the batch). */
  batch: number;
}

/**
 * The tensors that carry spikes, by backend data id: seeded with each
 * neuron layer's output, grown by the value-preserving kernels `countOps`
 * watches and by average pools (sums of spikes, see `LayerOps.spikesPerValue`).
 * Keys are weak, so it never keeps memory alive.
 */
export class SpikeTracker {
  private readonly ids = new WeakMap<object, number>();
  mark(t: { dataId: object }, spikesPerValue = 1): void {
    this.ids.set(t.dataId, spikesPerValue);
  }
  has(t: { dataId: object }): boolean {
    return this.ids.has(t.dataId);
  }
  /** How many spikes one value of `t` sums; undefined when it does not carry spikes. */
  spikesPerValue(t: { dataId: object }): number | undefined {
    return this.ids.get(t.dataId);
  }
}

type Info = { dataId: object; shape: number[]; dtype: string };
type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;
type KernelFunc = KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

/** MACs, the input tensor and the weights of each instrumented kernel, from its inputs and output shape. */
const counted: Record<
  string,
  (
    inputs: Record<string, Info>,
    out: Info,
  ) => { macs: number; x: Info; weights: number; w: Info | undefined }
> = {
  Conv2D: (i, out) => conv(i.x!, i.filter!, out),
  FusedConv2D: (i, out) => conv(i.x!, i.filter!, out),
  DepthwiseConv2dNative: (i, out) => depthwise(i.x!, i.filter!, out),
  FusedDepthwiseConv2D: (i, out) => depthwise(i.x!, i.filter!, out),
  // The forward of a transposed convolution: every input element meets every filter tap.
  Conv2DBackpropInput: (i) => {
    const [kh, kw, cout, cin] = i.filter!.shape as [number, number, number, number];
    const dy = i.dy!;
    return { macs: size(dy) * kh * kw * cout, x: dy, weights: kh * kw * cout * cin, w: i.filter };
  },
  BatchMatMul: (i, out) => matmul(i.a!, i.b!, out),
  _FusedMatMul: (i, out) => matmul(i.a!, i.b!, out),
};

/**
 * Kernels that only move, copy or select values: spikes in, spikes out. A
 * zero-padding keeps spikes binary; any arithmetic (a scale, a mean over
 * time, a norm) makes the result analog, so it is not listed.
 */
const spikePreserving = new Set([
  'Reshape',
  'Identity',
  'Cast',
  'Transpose',
  'Slice',
  'StridedSlice',
  'Concat',
  'Pack',
  'Unpack',
  'SplitV',
  'Tile',
  'GatherV2',
  'Reverse',
  'BroadcastTo',
  'MirrorPad',
  'ResizeNearestNeighbor',
  'MaxPool',
  'PadV2',
]);

const size = (t: Info) => t.shape.reduce((a, b) => a * b, 1);
const pair = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);

function nonzero(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}
/** The spikes pooled values stand for: each value × spikes per unit value, rounded. */
function spikeSum(values: ArrayLike<number>, perValue: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) n += Math.round(values[i]! * perValue);
  return n;
}

function conv(x: Info, filter: Info, out: Info) {
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  return { macs: size(out) * kh * kw * cin, x, weights: kh * kw * cin * cout, w: filter };
}
function depthwise(x: Info, filter: Info, out: Info) {
  const [kh, kw] = filter.shape as [number, number];
  return { macs: size(out) * kh * kw, x, weights: size(filter), w: filter };
}
function matmul(a: Info, b: Info, out: Info) {
  const inner = a.shape[a.shape.length - 1]!;
  return { macs: size(out) * inner, x: a, weights: size(b), w: b };
}

function describeCall(
  kernel: string,
  index: number,
  x: Info,
  out: Info,
  weights: Info | undefined,
): string {
  if (kernel.includes('Conv') && weights) {
    const [kh, kw, ci, co] = weights.shape;
    return `${kernel === 'Conv2DBackpropInput' ? 'deconv' : kernel.includes('Depthwise') ? 'dwconv' : 'conv'}#${index} ${kh}×${kw} ${ci}→${co} @${out.shape[1]}×${out.shape[2]}`;
  }
  return `matmul#${index} [${x.shape}]→[${out.shape}]`;
}

/** 2 bits for a ternary (or binary) weight tensor — codes plus one scale per layer — else 32. */
export function weightBitsOf(values: ArrayLike<number>): number {
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    distinct.add(values[i]!);
    if (distinct.size > 3) return 32;
  }
  return 2;
}

export interface CountOptions {
  /**
   * Which tensors carry spikes. Without one, no layer is spiking: a model's
   * structure (its neuron layers, see `measureEnergy`) is what says so.
   */
  spikes?: SpikeTracker;
}

/**
 * Runs `fn` with the convolution and matmul kernels of the active backend
 * wrapped, recording for each call its dense MACs and how sparse its input
 * was. This needs no cooperation from the model: any backbone, any neuron.
 * Reading the inputs synchronises the backend, so use it for measurement,
 * not training. The wrapping lasts exactly as long as the synchronous `fn`
 * (see withWrappedKernels): nothing else in the process is counted or slowed.
 */
export function countOps(fn: () => void, options: CountOptions = {}): LayerOps[] {
  const backend = tf.backend() as unknown as { readSync(dataId: object): ArrayLike<number> };
  const { spikes } = options;
  const calls: LayerOps[] = [];
  const wrappers: Record<string, (original: KernelFunc) => KernelFunc> = {};
  const wrap = (
    name: string,
    after: (
      inputs: KernelArgs['inputs'],
      result: Info[],
      attrs: NonNullable<KernelArgs['attrs']>,
    ) => void,
  ) => {
    wrappers[name] = (original) => (args) => {
      const result = original(args);
      after(args.inputs, (Array.isArray(result) ? result : [result]) as Info[], args.attrs ?? {});
      return result;
    };
  };
  for (const [name, measure] of Object.entries(counted)) {
    wrap(name, (rawInputs, [out]) => {
      const inputs = rawInputs as unknown as Record<string, Info>;
      const { macs, x, weights, w } = measure(inputs, out!);
      const values = backend.readSync(x.dataId);
      const perValue = spikes?.spikesPerValue(x);
      const events =
        perValue === undefined || perValue === 1 ? nonzero(values) : spikeSum(values, perValue);
      calls.push({
        label: describeCall(name, calls.length, x, out!, w),
        kernel: name,
        macs,
        inputDensity: values.length ? events / values.length : 0,
        spikeInput: perValue !== undefined,
        spikesPerValue: perValue ?? 0,
        weights,
        weightBits: w ? weightBitsOf(backend.readSync(w.dataId)) : 32,
        inputElements: size(x) / (x.shape[0] ?? 1),
        outputElements: size(out!) / (out!.shape[0] ?? 1),
        batch: out!.shape[0] ?? 1,
      });
    });
  }
  if (spikes) {
    for (const name of spikePreserving) {
      wrap(name, (rawInputs, outs, attrs) => {
        // Padding spikes with anything but 0 makes values that are not spikes.
        if (name === 'PadV2' && attrs.constantValue !== 0) return;
        const inputs = Object.entries(rawInputs as unknown as Record<string, Info | undefined>)
          // Index-like inputs (gather indices, slice begins) do not decide what flows.
          .filter(([key, t]) => t && key !== 'indices' && key !== 'paddings')
          .map(([, t]) => t!);
        const perValue = inputs.map((t) => spikes.spikesPerValue(t));
        if (inputs.length && perValue.every((p) => p !== undefined)) {
          for (const out of outs) spikes.mark(out, Math.max(...(perValue as number[])));
        }
      });
    }
    // A 'valid' k×k average pool of spikes holds spike counts / k²: still events
    // for the next layer (a 'same' pool divides border windows by less, so not).
    wrap('AvgPool', (rawInputs, [out], attrs) => {
      const x = (rawInputs as unknown as Record<string, Info>).x!;
      const perValue = spikes.spikesPerValue(x);
      if (perValue === undefined || attrs.pad !== 'valid') return;
      const [fh, fw] = pair(attrs.filterSize as number | [number, number]);
      spikes.mark(out!, perValue * fh * fw);
    });
  }
  withWrappedKernels(tf.getBackend(), wrappers, fn);
  return calls;
}
