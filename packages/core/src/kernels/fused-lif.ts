import { tf } from '../tf.js';

/**
 * Contract of the fused multi-step LIF/IF kernel. @spikedistill/neurons calls
 * it when the active backend has it (see `hasFusedLif`); a compute package
 * (e.g. @spikedistill/backend-wasm-train) registers the forward kernel, its
 * gradient kernel and the tfjs gradient config. Semantics are exactly the
 * unfused neuron's (DESIGN.md, "Spiking neurons"), for t = 0..T-1:
 *
 *   decayInput:  H = V + (X[t] − (V − vReset)) / tau      (vReset = 0 when soft)
 *   else:        H = V − (V − vReset) / tau + X[t]
 *   (tau = Infinity: IF, H = V + X[t])
 *   S[t] = H ≥ threshold ? 1 : 0
 *   hard reset:  V = S·vReset + (1 − S)·H     soft (vReset null): V = H − S·threshold
 *
 * Backward: dS/dH is the surrogate's derivative at H − threshold; with
 * detachReset the reset's dependence on S carries no gradient.
 */
export const FusedLifKernelName = 'SpikedistillFusedLif';
export const FusedLifGradKernelName = 'SpikedistillFusedLifGrad';

/** Surrogates the fused kernel knows; any other surrogate uses the unfused path. */
export type FusedSurrogateName = 'sigmoid' | 'atan' | 'triangle' | 'fast-sigmoid' | 'rect';

export interface FusedLifAttrs {
  tau: number;
  threshold: number;
  /** null: soft reset (subtract the threshold). */
  vReset: number | null;
  decayInput: boolean;
  detachReset: boolean;
  surrogate: FusedSurrogateName;
  alpha: number;
}

/**
 * Inputs: `x` [T, ...S] (charge input per step), `v0` [...S] (membrane at the
 * start). Outputs: `spikes` [T, ...S], `v` [...S] (membrane after the last
 * step, the state for the next call), `h` [T, ...S] (membrane before reset,
 * saved for the backward pass).
 */
export interface FusedLifResult {
  spikes: tf.Tensor;
  v: tf.Tensor;
  h: tf.Tensor;
}

export function hasFusedLif(backend = tf.getBackend()): boolean {
  return tf.getKernel(FusedLifKernelName, backend) !== undefined;
}

/** Runs the fused kernel (differentiable w.r.t. x and v0 once the compute package registered its gradient). */
export function fusedLif(x: tf.Tensor, v0: tf.Tensor, attrs: FusedLifAttrs): FusedLifResult {
  const [spikes, v, h] = tf
    .engine()
    .runKernel(FusedLifKernelName, { x, v0 }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { spikes: spikes!, v: v!, h: h! };
}
