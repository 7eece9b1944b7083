import { tf } from '../tf.js';

/**
 * Contract of the fused training-mode batch norm (statistics over every axis
 * but the last, channels-last). core's BatchNorm calls it when the active
 * backend has it (see `hasFusedBatchNorm`); a compute package (e.g.
 * @spikedistill/backend-wasm-train) registers the forward kernel, its
 * gradient kernel and the tfjs gradient config. With x seen as [M, C]:
 *
 *   mean[c]     = Σ_m x[m, c] / M
 *   variance[c] = Σ_m (x[m, c] − mean[c])² / M          (biased, as PyTorch normalises)
 *   invStd[c]   = 1 / √(variance[c] + eps)
 *   y[m, c]     = (x[m, c] − mean[c]) · invStd[c] · scale · weight[c] + bias[c]
 *
 * The gradient is exact for every output (y, and mean, variance and invStd
 * should a loss use them): one pass over dy and x instead of the ~25 tf ops
 * the unfused expression differentiates into.
 */
export const FusedBatchNormKernelName = 'SpikedistillFusedBatchNorm';
export const FusedBatchNormGradKernelName = 'SpikedistillFusedBatchNormGrad';

export interface FusedBatchNormAttrs {
  /** Added to the variance. */
  eps: number;
  /** Output scale before the affine (α·V_th for tdBN; 1 for plain BN). */
  scale: number;
}

/**
 * Outputs of the forward kernel: `y` like x, and per channel ([C]) the batch
 * `mean`, the biased `variance` and `invStd` (saved for the backward pass).
 */
export interface FusedBatchNormResult {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  invStd: tf.Tensor1D;
}

export function hasFusedBatchNorm(backend = tf.getBackend()): boolean {
  return tf.getKernel(FusedBatchNormKernelName, backend) !== undefined;
}

/** Runs the fused kernel: x [..., C], weight and bias [C]. Differentiable once the compute package registered its gradient. */
export function fusedBatchNorm(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor,
  attrs: FusedBatchNormAttrs,
): FusedBatchNormResult {
  const [y, mean, variance, invStd] = tf
    .engine()
    .runKernel(
      FusedBatchNormKernelName,
      { x, weight, bias },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  return {
    y: y!,
    mean: mean as tf.Tensor1D,
    variance: variance as tf.Tensor1D,
    invStd: invStd as tf.Tensor1D,
  };
}
