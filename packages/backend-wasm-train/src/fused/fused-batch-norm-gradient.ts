import { FusedBatchNormGradKernelName, FusedBatchNormKernelName, tf } from '@spikedistill/core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/**
 * tfjs gradient of the fused batch norm: one gradient-kernel run gives dx,
 * dweight and dbias. tfjs hands zeros for outputs the loss does not use (the
 * statistics, usually), so the kernel always sees all four upstream gradients.
 */
export const fusedBatchNormGradConfig: GradConfig = {
  kernelName: FusedBatchNormKernelName,
  inputsToSave: ['x', 'weight'],
  outputsToSave: [false, true, false, true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [dY, dMean, dVar, dInvStd] = dy as Tensor[];
    const [x, weight, mean, invStd] = saved;
    const [dx, dWeight, dBias] = tf.engine().runKernel(
      FusedBatchNormGradKernelName,
      {
        dy: dY!,
        x: x!,
        weight: weight!,
        mean: mean!,
        invStd: invStd!,
        dMean: dMean!,
        dVar: dVar!,
        dInvStd: dInvStd!,
      },
      attrs,
    ) as Tensor[];
    return { x: () => dx!, weight: () => dWeight!, bias: () => dBias! };
  },
};
