// Test-only helpers of @spikedistill/backend-wasm-train: resolvable in the
// workspace (the `source` export condition) and never built into dist.
export { cpuFusedLifKernels, installCpuFusedLif } from './cpu-fused-lif.js';
export { cpuFusedBatchNormKernels, installCpuFusedBatchNorm } from './cpu-fused-batch-norm.js';
