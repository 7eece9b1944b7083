import { BadOptionsError, type FusedLifAttrs } from '@spikedistill/core';
import { surrogateGrad } from './surrogates.js';

type Floats = Float32Array | Float64Array;

const f32 = Math.fround;

/** ∂H/∂V_prev and ∂H/∂X of one charge step; IF (τ = ∞) has no leak. */
export function chargeSlopes(attrs: FusedLifAttrs): { dHdV: number; dHdX: number } {
  if (attrs.tau === Number.POSITIVE_INFINITY) return { dHdV: 1, dHdX: 1 };
  return { dHdV: 1 - 1 / attrs.tau, dHdX: attrs.decayInput ? 1 / attrs.tau : 1 };
}

/** Rejects attrs the formulas have no meaning for, saying which and why. */
export function checkAttrs(attrs: FusedLifAttrs): void {
  surrogateGrad(attrs.surrogate, attrs.alpha);
  if (!(attrs.tau >= 1)) {
    throw new BadOptionsError(
      'fused LIF attrs.tau',
      `the time constant must be ≥ 1 (Infinity for IF), got ${attrs.tau}`,
    );
  }
  for (const key of ['threshold', 'vReset'] as const) {
    const value = attrs[key];
    if (value !== null && !Number.isFinite(value)) {
      throw new BadOptionsError(`fused LIF attrs.${key}`, `must be a finite number, got ${value}`);
    }
  }
}

/**
 * Charge–fire–reset over T steps for n neurons: x is [T·n], v0 [n]; writes
 * spikes and h ([T·n]) and v ([n], the membrane after the last step).
 *
 * Every operation is rounded to float32 in the order the unfused neuron does
 * it with tf ops, so spikes agree exactly with the unfused version even for H
 * within an ulp of the threshold.
 */
export function lifForward(
  x: Floats,
  v0: Floats,
  attrs: FusedLifAttrs,
  spikes: Floats,
  h: Floats,
  v: Floats,
): void {
  const n = v0.length;
  const steps = n === 0 ? 0 : x.length / n;
  // The attrs enter tf ops as float32 scalars; compare and divide by the same values.
  const tau = f32(attrs.tau);
  const threshold = f32(attrs.threshold);
  const vReset = f32(attrs.vReset ?? 0);
  const soft = attrs.vReset === null;
  const decayInput = attrs.decayInput;
  const leaky = tau !== Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    let vi = v0[i]!;
    for (let t = 0, k = i; t < steps; t++, k += n) {
      const xi = x[k]!;
      let hi: number;
      if (!leaky) hi = f32(vi + xi);
      else if (decayInput) hi = f32(vi + f32(f32(xi - f32(vi - vReset)) / tau));
      else hi = f32(f32(vi - f32(f32(vi - vReset) / tau)) + xi);
      const fired = hi >= threshold;
      spikes[k] = fired ? 1 : 0;
      h[k] = hi;
      vi = fired ? (soft ? f32(hi - threshold) : vReset) : hi;
    }
    v[i] = vi;
  }
}

/**
 * Backward through time. Given the upstream gradients of the outputs (dSpikes
 * and dH [T·n], dV [n]) and the saved membrane h, writes dx [T·n] and dv0 [n].
 *
 * For t = T−1 … 0, with g = surrogate′(H[t] − θ) and gV the gradient arriving
 * at V[t]:
 *   ∂V/∂H = (1 − S) + (V_r − H)·g   hard reset   (1 − S with detachReset)
 *         = 1 − θ·g                 soft reset   (1 with detachReset)
 *   gH = dS[t]·g + gV·∂V/∂H + dH[t];   dx[t] = gH·∂H/∂X;   gV ← gH·∂H/∂V_prev
 *
 * `spikes` may be given to run the recursion with other spike values than
 * Θ(H − θ) (the finite-difference test feeds a smooth stand-in's).
 */
export function lifBackward(
  dSpikes: Floats,
  dV: Floats,
  dH: Floats | null,
  h: Floats,
  attrs: FusedLifAttrs,
  dx: Floats,
  dv0: Floats,
  spikes: Floats | null = null,
): void {
  const n = dV.length;
  const steps = n === 0 ? 0 : h.length / n;
  const threshold = f32(attrs.threshold);
  const vReset = f32(attrs.vReset ?? 0);
  const soft = attrs.vReset === null;
  const detachReset = attrs.detachReset;
  const sg = surrogateGrad(attrs.surrogate, attrs.alpha);
  const { dHdV, dHdX } = chargeSlopes(attrs);
  for (let i = 0; i < n; i++) {
    let gV = dV[i]!;
    for (let t = steps - 1, k = i + (steps - 1) * n; t >= 0; t--, k -= n) {
      const hi = h[k]!;
      const s = spikes ? spikes[k]! : hi >= threshold ? 1 : 0;
      const g = sg(hi - threshold);
      let dVdH: number;
      if (soft) dVdH = detachReset ? 1 : 1 - threshold * g;
      else dVdH = detachReset ? 1 - s : 1 - s + (vReset - hi) * g;
      let gH = dSpikes[k]! * g + gV * dVdH;
      if (dH) gH += dH[k]!;
      dx[k] = gH * dHdX;
      gV = gH * dHdV;
    }
    dv0[i] = gV;
  }
}
