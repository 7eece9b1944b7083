import { FusedLifGradKernelName, FusedLifKernelName } from '@spikedistill/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { runOnCpu } from '../fused/backend-buffers.js';
import { fusedLifGradConfig } from '../fused/fused-lif-gradient.js';
import { fusedLifForwardKernel } from '../fused/SpikedistillFusedLif.js';
import { fusedLifBackwardKernel } from '../fused/SpikedistillFusedLifGrad.js';
import { installKernelConfigs } from '../register-all.js';

/**
 * The fused LIF on `cpu`, with the JavaScript loops of lif-math.ts: the
 * reference the wasm kernels and the unfused neurons are compared with in
 * tests. Never installed outside tests: the cpu backend stays the unfused
 * reference path.
 */
export const cpuFusedLifKernels: readonly KernelConfig[] = [
  {
    kernelName: FusedLifKernelName,
    backendName: 'cpu',
    kernelFunc: fusedLifForwardKernel(runOnCpu),
  },
  {
    kernelName: FusedLifGradKernelName,
    backendName: 'cpu',
    kernelFunc: fusedLifBackwardKernel(runOnCpu),
  },
];

/** Registers the cpu fused LIF and its gradient (idempotent). Tests only. */
export function installCpuFusedLif(): void {
  installKernelConfigs(cpuFusedLifKernels, [fusedLifGradConfig]);
}
