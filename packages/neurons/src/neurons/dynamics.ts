import { tf } from '@spikedistill/core';
import { detach } from '../util/detach.js';

/**
 * Charge of the LIF family (SpikingJelly `neuronal_charge`), with k = 1/τ
 * (a number, or a tensor for learnable τ); k = 0 means no leak (IF: H = V + X).
 *
 *     decayInput:  H = V + (X − (V − V_r)) · k
 *     otherwise:   H = V − (V − V_r) · k + X
 *
 * Soft-reset neurons (vReset null) decay toward 0.
 */
export function chargeLif(
  v: tf.Tensor,
  x: tf.Tensor,
  k: number | tf.Tensor,
  vReset: number | null,
  decayInput: boolean,
): tf.Tensor {
  if (k === 0) return tf.add(v, x);
  const vr = vReset ?? 0;
  const rel = vr === 0 ? v : tf.sub(v, vr);
  if (decayInput) return tf.add(v, tf.mul(tf.sub(x, rel), k));
  return tf.add(tf.sub(v, tf.mul(rel, k)), x);
}

/**
 * Reset (SpikingJelly `neuronal_reset`): hard `V = S·V_r + (1 − S)·H`, soft
 * `V = H − S·θ`. With `detachReset` the spike used here carries no gradient.
 */
export function resetLif(
  h: tf.Tensor,
  s: tf.Tensor,
  vReset: number | null,
  threshold: number | tf.Tensor,
  detachReset: boolean,
): tf.Tensor {
  const sr = detachReset ? detach(s) : s;
  if (vReset === null) return tf.sub(h, tf.mul(sr, threshold));
  const kept = tf.mul(tf.sub(1, sr), h);
  return vReset === 0 ? kept : tf.add(kept, tf.mul(sr, vReset));
}
