import {
  type FusedBatchNormAttrs,
  FusedBatchNormKernelName,
  ShapeError,
  SpikedistillError,
} from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from '../kernels/wasm-backend.js';
import { runOnWasm } from './backend-buffers.js';
import { batchNormForward, checkBatchNormAttrs } from './batch-norm-math.js';
import { batchNormForwardWasm, batchNormWasmFor } from './batch-norm-wasm.js';

type Runner = typeof runOnWasm;

export function requireFloat32(kernel: string, t: TensorInfo): void {
  if (t.dtype !== 'float32') {
    throw new SpikedistillError(
      'E_SHAPE',
      `${kernel}: inputs must be float32, got ${t.dtype} (cast with tf.cast(x, 'float32'))`,
    );
  }
}

/** x [..., C] with weight and bias [C]. */
export function checkChannels(kernel: string, x: TensorInfo, ...perChannel: TensorInfo[]): number {
  const channels = x.shape.at(-1) ?? 0;
  if (x.shape.length < 2 || channels < 1) {
    throw new ShapeError(`${kernel} x`, '[..., C] with at least 2 axes', x.shape);
  }
  for (const t of perChannel) {
    if (t.shape.length !== 1 || t.shape[0] !== channels) {
      throw new ShapeError(`${kernel} per-channel input`, `[${channels}]`, t.shape);
    }
  }
  return channels;
}

/**
 * Forward kernel with the JavaScript loops of batch-norm-math.ts, on the
 * buffers `run` gives: inputs x [..., C], weight [C], bias [C]; outputs y
 * (like x), mean, variance, invStd ([C] each). One pass for the sums, one
 * for the centred squares, one to normalise.
 */
export function fusedBatchNormForwardKernel(run: Runner): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, weight, bias } = inputs as Record<'x' | 'weight' | 'bias', TensorInfo>;
    const channels = checkChannels(FusedBatchNormKernelName, x, weight, bias);
    const a = attrs as unknown as FusedBatchNormAttrs;
    checkBatchNormAttrs(a);
    return run(
      FusedBatchNormKernelName,
      backend,
      [
        ['x', x],
        ['weight', weight],
        ['bias', bias],
      ],
      [x.shape, [channels], [channels], [channels]],
      ([xs, w, b], [y, mean, variance, invStd]) =>
        batchNormForward(xs!, w!, b!, a, y!, mean!, variance!, invStd!),
    );
  };
}

const forwardJsOnWasm = fusedBatchNormForwardKernel(runOnWasm);

/** On wasm: the WebAssembly loops on the heap, or the JavaScript ones if they cannot load. */
const forwardWasm: KernelFunc = (args) => {
  const backend = args.backend as unknown as WasmBackend;
  const bn = batchNormWasmFor(backend);
  if (!bn) return forwardJsOnWasm(args);
  const inputs = args.inputs as Record<'x' | 'weight' | 'bias', TensorInfo>;
  const channels = checkChannels(FusedBatchNormKernelName, inputs.x, inputs.weight, inputs.bias);
  for (const t of Object.values(inputs)) requireFloat32(FusedBatchNormKernelName, t);
  const a = args.attrs as unknown as FusedBatchNormAttrs;
  checkBatchNormAttrs(a);
  return batchNormForwardWasm(bn, backend, inputs, channels, a);
};

export const fusedBatchNormWasmConfig: KernelConfig = {
  kernelName: FusedBatchNormKernelName,
  backendName: 'wasm',
  kernelFunc: forwardWasm,
};
