import { tf } from '@spikedistill/core';
import { registerReductionGradients } from '../gradients/broadcast-reductions.js';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { avgPoolGradConfig } from './AvgPoolGrad.js';
import { batchMatMulConfig } from './BatchMatMul.js';
import { castConfig } from './Cast.js';
import { concatConfig } from './Concat.js';
import { conv2DConfig } from './Conv2D.js';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.js';
import { depthToSpaceConfig } from './DepthToSpace.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.js';
import { identityConfig } from './Identity.js';
import { maxPoolGradConfig } from './MaxPoolGrad.js';
import { meanConfig } from './Mean.js';
import { resizeNearestNeighborGradConfig } from './ResizeNearestNeighborGrad.js';
import { sliceConfig } from './Slice.js';
import { splitVConfig } from './SplitV.js';
import { sumConfig } from './Sum.js';
import { tileConfig } from './Tile.js';
import { unpackConfig } from './Unpack.js';
import { unsortedSegmentSumConfig } from './UnsortedSegmentSum.js';
import { keepOriginalKernel } from './wasm-backend.js';

/** Every kernel this package adds to or replaces on the `wasm` backend. */
export const trainingKernels: readonly KernelConfig[] = [
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
];

const ours = new Set(trainingKernels.map((k) => k.kernelFunc));

/**
 * Registers the training kernels on `wasm`, replacing tfjs-backend-wasm's own
 * where one exists (unregistering first: tfjs warns on a duplicate). Safe to
 * call again: a kernel already ours is left alone. The wasm backend must be
 * loaded (imported) first, or its own kernels would later overwrite ours.
 */
export function registerTrainingKernels(): void {
  for (const config of trainingKernels) {
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
  registerReductionGradients();
}
