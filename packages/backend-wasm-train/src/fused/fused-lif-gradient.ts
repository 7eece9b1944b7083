import { FusedLifGradKernelName, FusedLifKernelName, tf } from '@spikedistill/core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/**
 * tfjs gradient of the fused forward kernel: one gradient-kernel run gives
 * both dx and dv0. It runs when tfjs asks for the input gradients (inside the
 * backward pass's tidy), so a dv0 nobody asks for (v0 a constant) is freed
 * with that scope rather than leaked.
 */
export const fusedLifGradConfig: GradConfig = {
  kernelName: FusedLifKernelName,
  inputsToSave: [],
  outputsToSave: [false, false, true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [dSpikes, dV, dH] = dy as Tensor[];
    const [h] = saved;
    const [dx, dv0] = tf
      .engine()
      .runKernel(
        FusedLifGradKernelName,
        { dSpikes: dSpikes!, dV: dV!, dH: dH!, h: h! },
        attrs,
      ) as Tensor[];
    return { x: () => dx!, v0: () => dv0! };
  },
};
