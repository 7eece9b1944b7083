import type { Rng } from '@spikedistill/core';
import { addNormal } from './ziggurat.js';

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

/** Adds zero-mean Gaussian noise of standard deviation `std` ([0, 1] scale). */
export function addGaussian(
  clean: Float32Array,
  std: number,
  rng: Rng,
  out: Float32Array,
): Float32Array {
  return addNormal(clean, std, rng, out);
}
