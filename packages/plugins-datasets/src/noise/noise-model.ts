import type { Rng } from '@spikedistill/core';

/**
 * What a `noise` plugin creates. Samples are on the [0, 1] scale; σ options
 * are on the [0, 255] scale, as papers quote them. All randomness comes from
 * the `rng` argument, so a seeded stream gives the same noisy image on every
 * run and on every machine.
 */
export interface NoiseModel {
  readonly name: string;
  /** Short description for reports and eval set names, e.g. `awgn σ=25`. */
  readonly label: string;
  /**
   * Degrades one image (or patch): reads `clean`, writes `out` (which may be
   * `clean` itself, or omitted for a new array) and returns it.
   */
  apply(clean: Float32Array, rng: Rng, out?: Float32Array): Float32Array;
}

/** Clips to [0, 1] in place. */
export function clip01(data: Float32Array): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    data[i] = v < 0 ? 0 : Math.min(v, 1);
  }
  return data;
}

/**
 * Adds zero-mean Gaussian noise of standard deviation `std` ([0, 1] scale).
 * Marsaglia's polar method: exact like Box–Muller but without the sine and
 * cosine, about twice as fast, which is most of the cost of noising a test set.
 */
export function addGaussian(
  clean: Float32Array,
  std: number,
  rng: Rng,
  out: Float32Array,
): Float32Array {
  const n = clean.length;
  let i = 0;
  while (i < n) {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * rng.uniform() - 1;
      v = 2 * rng.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = std * Math.sqrt((-2 * Math.log(s)) / s);
    out[i] = clean[i]! + u * f;
    i++;
    if (i < n) {
      out[i] = clean[i]! + v * f;
      i++;
    }
  }
  return out;
}
