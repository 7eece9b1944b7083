import { tf } from '@spikedistill/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fusedLifGradConfig } from './fused-lif-gradient.js';
import { fusedLifCpuConfig, fusedLifWasmConfig } from './SpikedistillFusedLif.js';
import { fusedLifGradCpuConfig, fusedLifGradWasmConfig } from './SpikedistillFusedLifGrad.js';

/** The fused LIF kernels, on wasm (the training backend) and cpu (the reference the tests compare with). */
export const fusedKernels: readonly KernelConfig[] = [
  fusedLifWasmConfig,
  fusedLifCpuConfig,
  fusedLifGradWasmConfig,
  fusedLifGradCpuConfig,
];

/**
 * Registers the fused LIF kernels and their gradient (see `fusedLif` and
 * `hasFusedLif` in @spikedistill/core). Safe to call again; neither the
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
  const grad = tf.getGradient(fusedLifGradConfig.kernelName);
  if (grad?.gradFunc !== fusedLifGradConfig.gradFunc) {
    // tfjs has no unregisterGradient; re-registering only warns, and the newest wins.
    tf.registerGradient(fusedLifGradConfig);
  }
}
