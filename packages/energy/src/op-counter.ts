import { tf } from '@spikedistill/core';
import { withWrappedKernels } from './wrap-kernels.js';

/** One convolution / matmul call seen during a forward pass. */
export interface LayerOps {
  /** `conv#3 3×3 16→32 @32×32` — call order, kernel size, channels, output size. */
  label: string;
  kernel: string;
  /** Multiply-accumulates of the equivalent dense (ANN) layer, batch included. */
  macs: number;
  /** Fraction of non-zero input elements. */
  inputDensity: number;
  /** Whether every input value was 0 or 1: a spiking layer, whose work is accumulates only. */
  binaryInput: boolean;
  /** Number of weights (for memory models). */
  weights: number;
  /** Elements of one input and one output sample (for memory models). */
  inputElements: number;
  outputElements: number;
  /** Samples in the call (batch × time steps when T is folded into the batch). */
  batch: number;
}

type Info = { dataId: object; shape: number[]; dtype: string };
type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;

/** MACs and the input tensor of each instrumented kernel, from its inputs and output shape. */
const counted: Record<
  string,
  (inputs: Record<string, Info>, out: Info) => { macs: number; x: Info; weights: number }
> = {
  Conv2D: (i, out) => conv(i.x!, i.filter!, out),
  FusedConv2D: (i, out) => conv(i.x!, i.filter!, out),
  DepthwiseConv2dNative: (i, out) => depthwise(i.x!, i.filter!, out),
  FusedDepthwiseConv2D: (i, out) => depthwise(i.x!, i.filter!, out),
  // The forward of a transposed convolution: every input element meets every filter tap.
  Conv2DBackpropInput: (i) => {
    const [kh, kw, cout, cin] = i.filter!.shape as [number, number, number, number];
    const dy = i.dy!;
    return { macs: size(dy) * kh * kw * cout, x: dy, weights: kh * kw * cout * cin };
  },
  BatchMatMul: (i, out) => matmul(i.a!, i.b!, out),
  _FusedMatMul: (i, out) => matmul(i.a!, i.b!, out),
};

const size = (t: Info) => t.shape.reduce((a, b) => a * b, 1);

function conv(x: Info, filter: Info, out: Info) {
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  return { macs: size(out) * kh * kw * cin, x, weights: kh * kw * cin * cout };
}
function depthwise(x: Info, filter: Info, out: Info) {
  const [kh, kw] = filter.shape as [number, number];
  return { macs: size(out) * kh * kw, x, weights: size(filter) };
}
function matmul(a: Info, b: Info, out: Info) {
  const inner = a.shape[a.shape.length - 1]!;
  return { macs: size(out) * inner, x: a, weights: size(b) };
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

/**
 * Runs `fn` with the convolution and matmul kernels of the active backend
 * wrapped, recording for each call its dense MACs and how sparse its input
 * was. This needs no cooperation from the model: any backbone, any neuron.
 * Reading the inputs synchronises the backend, so use it for measurement,
 * not training. The wrapping lasts exactly as long as the synchronous `fn`
 * (see withWrappedKernels): nothing else in the process is counted or slowed.
 */
export function countOps(fn: () => void): LayerOps[] {
  const backend = tf.backend() as unknown as { readSync(dataId: object): ArrayLike<number> };
  const calls: LayerOps[] = [];
  const wrappers = Object.fromEntries(
    Object.entries(counted).map(([name, measure]) => [
      name,
      (original: KernelConfig['kernelFunc']): KernelConfig['kernelFunc'] =>
        (args) => {
          const result = original(args);
          const out = (Array.isArray(result) ? result[0] : result) as Info;
          const inputs = args.inputs as unknown as Record<string, Info>;
          const { macs, x, weights } = measure(inputs, out);
          const values = backend.readSync(x.dataId);
          let nonzero = 0;
          let binary = true;
          for (let i = 0; i < values.length; i++) {
            const v = values[i]!;
            if (v !== 0) nonzero++;
            if (v !== 0 && v !== 1) binary = false;
          }
          calls.push({
            label: describeCall(name, calls.length, x, out, inputs.filter ?? inputs.b),
            kernel: name,
            macs,
            inputDensity: values.length ? nonzero / values.length : 0,
            binaryInput: binary,
            weights,
            inputElements: size(x) / (x.shape[0] ?? 1),
            outputElements: size(out) / (out.shape[0] ?? 1),
            batch: out.shape[0] ?? 1,
          });
          return result;
        },
    ]),
  );
  withWrappedKernels(tf.getBackend(), wrappers, fn);
  return calls;
}
