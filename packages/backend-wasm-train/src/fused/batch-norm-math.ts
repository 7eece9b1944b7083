import { type FusedBatchNormAttrs, SpikedistillError } from '@spikedistill/core';

/**
 * The fused batch norm's loops over flat channels-last buffers (x as [M, C]),
 * shared by the wasm kernel (views of the heap) and the cpu one. Sums are
 * float64; the variance is taken around the mean in a second pass, so a
 * large mean does not cancel it away. See FusedBatchNormAttrs for the math.
 */

export function checkBatchNormAttrs(a: FusedBatchNormAttrs): void {
  if (!(a.eps >= 0) || !Number.isFinite(a.eps) || !Number.isFinite(a.scale)) {
    throw new SpikedistillError(
      'E_BAD_OPTIONS',
      `SpikedistillFusedBatchNorm: eps must be finite and ≥ 0 and scale finite, got eps ${a.eps}, scale ${a.scale}`,
    );
  }
}

/** Per-channel mean, biased variance and 1/√(variance + eps) of x [M, C]. */
function statistics(
  x: Float32Array,
  channels: number,
  eps: number,
  mean: Float32Array,
  variance: Float32Array,
  invStd: Float32Array,
): Float64Array {
  const rows = x.length / channels;
  const sum = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) sum[c]! += x[i + c]!;
  }
  const mu = new Float64Array(channels);
  for (let c = 0; c < channels; c++) mu[c] = sum[c]! / rows;
  const squares = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = x[i + c]! - mu[c]!;
      squares[c]! += d * d;
    }
  }
  for (let c = 0; c < channels; c++) mean[c] = mu[c]!;
  finishVariance(squares, rows, eps, variance, invStd);
  return mu;
}

/** variance = Σ(x − μ)²/M and invStd = 1/√(variance + eps), per channel. */
export function finishVariance(
  squares: Float64Array,
  rows: number,
  eps: number,
  variance: Float32Array,
  invStd: Float32Array,
): void {
  for (let c = 0; c < squares.length; c++) {
    const v = squares[c]! / rows;
    variance[c] = v;
    invStd[c] = 1 / Math.sqrt(v + eps);
  }
}

/** Forward: y, and mean, variance and invStd per channel. */
export function batchNormForward(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  a: FusedBatchNormAttrs,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  invStd: Float32Array,
): void {
  const channels = weight.length;
  const mu = statistics(x, channels, a.eps, mean, variance, invStd);
  const gain = new Float64Array(channels);
  for (let c = 0; c < channels; c++) gain[c] = invStd[c]! * a.scale * weight[c]!;
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) y[i + c] = (x[i + c]! - mu[c]!) * gain[c]! + bias[c]!;
  }
}

/**
 * Backward, exact for every output: with x̂ = (x − μ)·invStd, g = scale·weight,
 *
 *   dbias = Σ dy      dweight = scale · Σ dy·x̂
 *   dx = g·invStd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M) + dMean/M + dVar'·2(x − μ)/M
 *
 * where dVar' = dVar − dInvStd·invStd³/2 carries the gradients reaching the
 * variance and invStd outputs (zero when only y feeds the loss).
 */
export function batchNormBackward(
  dy: Float32Array,
  x: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  invStd: Float32Array,
  dMean: Float32Array,
  dVar: Float32Array,
  dInvStd: Float32Array,
  a: FusedBatchNormAttrs,
  dx: Float32Array,
  dWeight: Float32Array,
  dBias: Float32Array,
): void {
  const channels = weight.length;
  const rows = x.length / channels;
  const sumDy = new Float64Array(channels);
  const sumDyCentred = new Float64Array(channels);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = dy[i + c]!;
      sumDy[c]! += d;
      sumDyCentred[c]! += d * (x[i + c]! - mean[c]!);
    }
  }
  const k = new Float64Array(channels);
  const k1 = new Float64Array(channels);
  const k0 = new Float64Array(channels);
  gradCoefficients(
    { sumDy, sumDyCentred, weight, invStd, dMean, dVar, dInvStd, rows, scale: a.scale },
    { k, k1, k0, dWeight, dBias },
  );
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      dx[i + c] = k[c]! * dy[i + c]! + k1[c]! * (x[i + c]! - mean[c]!) + k0[c]!;
    }
  }
}

/**
 * From the sums Σdy and Σdy·(x − μ): dbias, dweight, and the per-channel
 * coefficients of dx = k·dy + k1·(x − μ) + k0.
 */
export function gradCoefficients(
  s: {
    sumDy: Float64Array;
    sumDyCentred: Float64Array;
    weight: Float32Array;
    invStd: Float32Array;
    dMean: Float32Array;
    dVar: Float32Array;
    dInvStd: Float32Array;
    rows: number;
    scale: number;
  },
  out: {
    k: Float32Array | Float64Array;
    k1: Float32Array | Float64Array;
    k0: Float32Array | Float64Array;
    dWeight: Float32Array;
    dBias: Float32Array;
  },
): void {
  const { rows } = s;
  for (let c = 0; c < s.weight.length; c++) {
    const inv = s.invStd[c]!;
    const sumDyXhat = s.sumDyCentred[c]! * inv;
    const k = s.scale * s.weight[c]! * inv;
    const dVarTotal = s.dVar[c]! - (s.dInvStd[c]! * inv * inv * inv) / 2;
    out.dBias[c] = s.sumDy[c]!;
    out.dWeight[c] = s.scale * sumDyXhat;
    out.k[c] = k;
    out.k1[c] = (-k * inv * sumDyXhat) / rows + (2 * dVarTotal) / rows;
    out.k0[c] = (-k * s.sumDy[c]!) / rows + s.dMean[c]! / rows;
  }
}
