import { type FusedLifAttrs, FusedLifGradKernelName, tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkTimeMajor, runOnWasm, runOnWasmHeap } from './backend-buffers.js';
import { lifBackwardWasm, lifWasmFor } from './lif-wasm.js';
import { checkAttrs, lifBackward } from './lif-math.js';

type Runner = typeof runOnWasm;

/**
 * Gradient kernel with the JavaScript loops of lif-math.ts: inputs dSpikes
 * [T, ...S], dV [...S], dH [T, ...S] (the upstream gradients of the three
 * outputs) and the saved h [T, ...S]; outputs dx [T, ...S] and dv0 [...S].
 */
export function fusedLifBackwardKernel(run: Runner): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dSpikes, dV, dH, h } = inputs as Record<'dSpikes' | 'dV' | 'dH' | 'h', TensorInfo>;
    checkTimeMajor(FusedLifGradKernelName, h, dV);
    checkTimeMajor(FusedLifGradKernelName, dSpikes, dV);
    checkTimeMajor(FusedLifGradKernelName, dH, dV);
    const a = attrs as unknown as FusedLifAttrs;
    return run(
      FusedLifGradKernelName,
      backend,
      [
        ['dSpikes', dSpikes],
        ['dV', dV],
        ['dH', dH],
        ['h', h],
      ],
      [h.shape, dV.shape],
      ([dS, dv, dh, hs], [dx, dv0]) => lifBackward(dS!, dv!, dh!, hs!, a, dx!, dv0!),
    );
  };
}

const backwardJsOnWasm = fusedLifBackwardKernel(runOnWasm);

/** On wasm: the WebAssembly loops on the heap, or the JavaScript ones if they cannot load. */
const backwardWasm: KernelFunc = (args) => {
  const lif = lifWasmFor((args.backend as { wasm: object }).wasm);
  if (!lif) return backwardJsOnWasm(args);
  const { dSpikes, dV, dH, h } = args.inputs as Record<'dSpikes' | 'dV' | 'dH' | 'h', TensorInfo>;
  checkTimeMajor(FusedLifGradKernelName, h, dV);
  checkTimeMajor(FusedLifGradKernelName, dSpikes, dV);
  checkTimeMajor(FusedLifGradKernelName, dH, dV);
  const a = args.attrs as unknown as FusedLifAttrs;
  checkAttrs(a);
  const n = tf.util.sizeFromShape(dV.shape);
  const steps = h.shape[0]!;
  return runOnWasmHeap(
    FusedLifGradKernelName,
    args.backend,
    [
      ['dSpikes', dSpikes],
      ['dV', dV],
      ['dH', dH],
      ['h', h],
    ],
    [h.shape, dV.shape],
    (ins, outs) => lifBackwardWasm(lif, ins, outs, n, steps, a),
  );
};

export const fusedLifGradWasmConfig: KernelConfig = {
  kernelName: FusedLifGradKernelName,
  backendName: 'wasm',
  kernelFunc: backwardWasm,
};
