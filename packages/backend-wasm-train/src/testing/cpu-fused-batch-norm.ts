import { FusedBatchNormGradKernelName, FusedBatchNormKernelName } from '@spikedistill/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { runOnCpu } from '../fused/backend-buffers.js';
import { fusedBatchNormGradConfig } from '../fused/fused-batch-norm-gradient.js';
import { fusedBatchNormForwardKernel } from '../fused/SpikedistillFusedBatchNorm.js';
import { fusedBatchNormBackwardKernel } from '../fused/SpikedistillFusedBatchNormGrad.js';
import { installKernelConfigs } from '../register-all.js';

/**
 * The fused batch norm on `cpu`, with the JavaScript loops of
 * batch-norm-math.ts: what the wasm kernels are compared with in tests (next
 * to the unfused tf ops). Never installed outside tests: the cpu backend
 * stays the unfused reference path.
 */
export const cpuFusedBatchNormKernels: readonly KernelConfig[] = [
  {
    kernelName: FusedBatchNormKernelName,
    backendName: 'cpu',
    kernelFunc: fusedBatchNormForwardKernel(runOnCpu),
  },
  {
    kernelName: FusedBatchNormGradKernelName,
    backendName: 'cpu',
    kernelFunc: fusedBatchNormBackwardKernel(runOnCpu),
  },
];

/** Registers the cpu fused batch norm and its gradient (idempotent). Tests only. */
export function installCpuFusedBatchNorm(): void {
  installKernelConfigs(cpuFusedBatchNormKernels, [fusedBatchNormGradConfig]);
}
