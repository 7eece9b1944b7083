import {
  type FusedBatchNormAttrs,
  FusedBatchNormGradKernelName,
  ShapeError,
} from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from '../kernels/wasm-backend.js';
import { runOnWasm } from './backend-buffers.js';
import { batchNormBackward, checkBatchNormAttrs } from './batch-norm-math.js';
import { batchNormBackwardWasm, batchNormWasmFor } from './batch-norm-wasm.js';
import { checkChannels, requireFloat32 } from './SpikedistillFusedBatchNorm.js';

type Runner = typeof runOnWasm;
const names = ['dy', 'x', 'weight', 'mean', 'invStd', 'dMean', 'dVar', 'dInvStd'] as const;

/**
 * Gradient kernel: inputs dy and x [..., C], the saved weight, mean and
 * invStd [C], and the gradients reaching the mean, variance and invStd
 * outputs [C] (zeros unless a loss uses them); outputs dx, dweight, dbias.
 */
function checked(inputs: object, attrs: object | undefined) {
  const t = inputs as Record<(typeof names)[number], TensorInfo>;
  const channels = checkChannels(
    FusedBatchNormGradKernelName,
    t.x,
    t.weight,
    t.mean,
    t.invStd,
    t.dMean,
    t.dVar,
    t.dInvStd,
  );
  if (t.dy.shape.join() !== t.x.shape.join()) {
    throw new ShapeError(`${FusedBatchNormGradKernelName} dy`, `[${t.x.shape}] like x`, t.dy.shape);
  }
  for (const name of names) requireFloat32(FusedBatchNormGradKernelName, t[name]);
  const a = attrs as unknown as FusedBatchNormAttrs;
  checkBatchNormAttrs(a);
  return { t, channels, a };
}

/** The gradient kernel with the JavaScript loops of batch-norm-math.ts, on the buffers `run` gives. */
export function fusedBatchNormBackwardKernel(run: Runner): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { t, channels, a } = checked(inputs, attrs);
    return run(
      FusedBatchNormGradKernelName,
      backend,
      names.map((name) => [name, t[name]] as const),
      [t.x.shape, [channels], [channels]],
      ([dy, x, w, mean, invStd, dMean, dVar, dInvStd], [dx, dWeight, dBias]) =>
        batchNormBackward(
          dy!,
          x!,
          w!,
          mean!,
          invStd!,
          dMean!,
          dVar!,
          dInvStd!,
          a,
          dx!,
          dWeight!,
          dBias!,
        ),
    );
  };
}

const backwardJsOnWasm = fusedBatchNormBackwardKernel(runOnWasm);

/** On wasm: the WebAssembly loops on the heap, or the JavaScript ones if they cannot load. */
const backwardWasm: KernelFunc = (args) => {
  const backend = args.backend as unknown as WasmBackend;
  const bn = batchNormWasmFor(backend);
  if (!bn) return backwardJsOnWasm(args);
  const { t, channels, a } = checked(args.inputs, args.attrs);
  return batchNormBackwardWasm(bn, backend, t, channels, a);
};

export const fusedBatchNormGradWasmConfig: KernelConfig = {
  kernelName: FusedBatchNormGradKernelName,
  backendName: 'wasm',
  kernelFunc: backwardWasm,
};
