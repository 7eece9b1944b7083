import { type FusedLifAttrs, FusedLifGradKernelName } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { checkTimeMajor, runOnCpu, runOnWasm } from './backend-buffers.js';
import { lifBackward } from './lif-math.js';

type Runner = typeof runOnWasm;

/**
 * Gradient kernel: inputs dSpikes [T, ...S], dV [...S], dH [T, ...S] (the
 * upstream gradients of the three outputs) and the saved h [T, ...S];
 * outputs dx [T, ...S] and dv0 [...S].
 */
function backwardOn(run: Runner): KernelFunc {
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

export const fusedLifGradWasmConfig: KernelConfig = {
  kernelName: FusedLifGradKernelName,
  backendName: 'wasm',
  kernelFunc: backwardOn(runOnWasm),
};

export const fusedLifGradCpuConfig: KernelConfig = {
  kernelName: FusedLifGradKernelName,
  backendName: 'cpu',
  kernelFunc: backwardOn(runOnCpu),
};
