import { tf } from '@spikedistill/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fusedBatchNormGradConfig } from './fused-batch-norm-gradient.js';
import { fusedLifGradConfig } from './fused-lif-gradient.js';
import { fusedBatchNormCpuConfig, fusedBatchNormWasmConfig } from './SpikedistillFusedBatchNorm.js';
import {
  fusedBatchNormGradCpuConfig,
  fusedBatchNormGradWasmConfig,
} from './SpikedistillFusedBatchNormGrad.js';
import { fusedLifCpuConfig, fusedLifWasmConfig } from './SpikedistillFusedLif.js';
import { fusedLifGradCpuConfig, fusedLifGradWasmConfig } from './SpikedistillFusedLifGrad.js';

/**
 * The fused LIF and batch-norm kernels, on wasm (the training backend) and
 * cpu (the reference the tests compare with).
 */
export const fusedKernels: readonly KernelConfig[] = [
  fusedLifWasmConfig,
  fusedLifCpuConfig,
  fusedLifGradWasmConfig,
  fusedLifGradCpuConfig,
  fusedBatchNormWasmConfig,
  fusedBatchNormCpuConfig,
  fusedBatchNormGradWasmConfig,
  fusedBatchNormGradCpuConfig,
];

const gradients = [fusedLifGradConfig, fusedBatchNormGradConfig];

/**
 * Registers the fused kernels and their gradients (see `fusedLif`,
 * `fusedBatchNorm` and `hasFused…` in @spikedistill/core). Safe to call again; neither the
 * cpu nor the wasm backend needs to be loaded first (no built-in kernel has
 * these names).
 */
export function registerFusedKernels(): void {
  for (const config of fusedKernels) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
  for (const gradient of gradients) {
    // tfjs has no unregisterGradient; re-registering only warns, and the newest wins.
    if (tf.getGradient(gradient.kernelName)?.gradFunc !== gradient.gradFunc) {
      tf.registerGradient(gradient);
    }
  }
}
