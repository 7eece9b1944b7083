import { type FusedLifAttrs, FusedLifKernelName } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkTimeMajor, runOnCpu, runOnWasm } from './backend-buffers.js';
import { checkAttrs, lifForward } from './lif-math.js';

type Runner = typeof runOnWasm;

/** Forward kernel: inputs x [T, ...S], v0 [...S]; outputs spikes [T, ...S], v [...S], h [T, ...S]. */
function forwardOn(run: Runner): KernelFunc {
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

export const fusedLifWasmConfig: KernelConfig = {
  kernelName: FusedLifKernelName,
  backendName: 'wasm',
  kernelFunc: forwardOn(runOnWasm),
};

export const fusedLifCpuConfig: KernelConfig = {
  kernelName: FusedLifKernelName,
  backendName: 'cpu',
  kernelFunc: forwardOn(runOnCpu),
};
