import { type FusedLifAttrs, FusedLifKernelName, tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkTimeMajor, runOnWasm, runOnWasmHeap } from './backend-buffers.js';
import { lifForwardWasm, lifWasmFor } from './lif-wasm.js';
import { checkAttrs, lifForward } from './lif-math.js';

type Runner = typeof runOnWasm;

/**
 * Forward kernel with the JavaScript loops of lif-math.ts, on the buffers
 * `run` gives: inputs x [T, ...S], v0 [...S]; outputs spikes [T, ...S],
 * v [...S], h [T, ...S].
 */
export function fusedLifForwardKernel(run: Runner): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, v0 } = inputs as { x: TensorInfo; v0: TensorInfo };
    checkTimeMajor(FusedLifKernelName, x, v0);
    const a = attrs as unknown as FusedLifAttrs;
    checkAttrs(a);
    return run(
      FusedLifKernelName,
      backend,
      [
        ['x', x],
        ['v0', v0],
      ],
      [x.shape, v0.shape, x.shape],
      ([xs, v0s], [spikes, v, h]) => lifForward(xs!, v0s!, a, spikes!, h!, v!),
    );
  };
}

const forwardJsOnWasm = fusedLifForwardKernel(runOnWasm);

/** On wasm: the WebAssembly loops on the heap, or the JavaScript ones if they cannot load. */
const forwardWasm: KernelFunc = (args) => {
  const lif = lifWasmFor((args.backend as { wasm: object }).wasm);
  if (!lif) return forwardJsOnWasm(args);
  const { x, v0 } = args.inputs as { x: TensorInfo; v0: TensorInfo };
  checkTimeMajor(FusedLifKernelName, x, v0);
  const a = args.attrs as unknown as FusedLifAttrs;
  checkAttrs(a);
  const n = tf.util.sizeFromShape(v0.shape);
  const steps = x.shape[0]!;
  return runOnWasmHeap(
    FusedLifKernelName,
    args.backend,
    [
      ['x', x],
      ['v0', v0],
    ],
    [x.shape, v0.shape, x.shape],
    (ins, outs) => lifForwardWasm(lif, ins, outs, n, steps, a),
  );
};

export const fusedLifWasmConfig: KernelConfig = {
  kernelName: FusedLifKernelName,
  backendName: 'wasm',
  kernelFunc: forwardWasm,
};
