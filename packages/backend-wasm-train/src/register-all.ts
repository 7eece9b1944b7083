import { tf } from '@spikedistill/core';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs-core';
import { fusedBatchNormGradConfig } from './fused/fused-batch-norm-gradient.js';
import { fusedLifGradConfig } from './fused/fused-lif-gradient.js';
import { fusedBatchNormWasmConfig } from './fused/SpikedistillFusedBatchNorm.js';
import { fusedBatchNormGradWasmConfig } from './fused/SpikedistillFusedBatchNormGrad.js';
import { fusedLifWasmConfig } from './fused/SpikedistillFusedLif.js';
import { fusedLifGradWasmConfig } from './fused/SpikedistillFusedLifGrad.js';
import { meanGradConfig, sumGradConfig } from './gradients/broadcast-reductions.js';
import { avgPoolGradConfig } from './kernels/AvgPoolGrad.js';
import { batchMatMulConfig } from './kernels/BatchMatMul.js';
import { castConfig } from './kernels/Cast.js';
import { concatConfig } from './kernels/Concat.js';
import { conv2DConfig } from './kernels/Conv2D.js';
import { conv2DBackpropFilterConfig } from './kernels/Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './kernels/Conv2DBackpropInput.js';
import { depthToSpaceConfig } from './kernels/DepthToSpace.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/DepthwiseConv2dNativeBackpropInput.js';
import { identityConfig } from './kernels/Identity.js';
import { maxPoolGradConfig } from './kernels/MaxPoolGrad.js';
import { meanConfig } from './kernels/Mean.js';
import { resizeNearestNeighborGradConfig } from './kernels/ResizeNearestNeighborGrad.js';
import { sliceConfig } from './kernels/Slice.js';
import { splitVConfig } from './kernels/SplitV.js';
import { sumConfig } from './kernels/Sum.js';
import { tileConfig } from './kernels/Tile.js';
import { unpackConfig } from './kernels/Unpack.js';
import { unsortedSegmentSumConfig } from './kernels/UnsortedSegmentSum.js';
import { keepOriginalKernel } from './kernels/wasm-backend.js';

/**
 * Every kernel this package adds to or replaces on the `wasm` backend: the
 * training kernels (the conv passes among them route to ONNX Runtime when
 * nativeConv says so), the fused LIF and the fused batch norm. The one list the `wasm` plugin installs
 * on `activate()` (nothing is registered on import or on `register()`).
 */
export const wasmTrainKernels: readonly KernelConfig[] = [
  avgPoolGradConfig,
  batchMatMulConfig,
  castConfig,
  concatConfig,
  conv2DConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthToSpaceConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  identityConfig,
  maxPoolGradConfig,
  meanConfig,
  resizeNearestNeighborGradConfig,
  sliceConfig,
  splitVConfig,
  sumConfig,
  tileConfig,
  unpackConfig,
  unsortedSegmentSumConfig,
  fusedLifWasmConfig,
  fusedLifGradWasmConfig,
  fusedBatchNormWasmConfig,
  fusedBatchNormGradWasmConfig,
];

/**
 * tfjs gradients of this package's own kernels, and its replacements of
 * tfjs-core's Sum and Mean gradients (backend-independent; same values).
 */
export const wasmTrainGradients: readonly GradConfig[] = [
  fusedLifGradConfig,
  fusedBatchNormGradConfig,
  sumGradConfig,
  meanGradConfig,
];

/**
 * Registers `kernels` and `gradients`, replacing a backend's own kernel of the
 * same name (unregistering first: tfjs warns on a duplicate). Safe to call
 * again: a kernel already registered is left alone. For `wasm`, the backend
 * must be loaded (imported) first, or its own kernels would later overwrite
 * these.
 */
export function installKernelConfigs(
  kernels: readonly KernelConfig[],
  gradients: readonly GradConfig[] = [],
): void {
  const ours = new Set(kernels.map((k) => k.kernelFunc));
  for (const config of kernels) {
    const existing = tf.getKernel(config.kernelName, config.backendName);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing) {
      if (!ours.has(existing.kernelFunc))
        keepOriginalKernel(config.kernelName, existing.kernelFunc);
      tf.unregisterKernel(config.kernelName, config.backendName);
    }
    // Ours may fall back to the original, whose setup (binding its wasm
    // function) runs when the backend initialises: keep it on our config in
    // case that has not happened yet.
    const setupFunc = existing?.setupFunc ?? config.setupFunc;
    tf.registerKernel(setupFunc ? { ...config, setupFunc } : config);
  }
  for (const gradient of gradients) {
    // tfjs has no unregisterGradient; re-registering replaces (and warns only in debug mode).
    if (tf.getGradient(gradient.kernelName)?.gradFunc !== gradient.gradFunc) {
      tf.registerGradient(gradient);
    }
  }
}

/** Installs `wasmTrainKernels` and their gradients (what the `wasm` plugin's `activate()` does). */
export function installKernels(): void {
  installKernelConfigs(wasmTrainKernels, wasmTrainGradients);
}
