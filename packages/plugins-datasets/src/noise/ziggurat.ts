import type { Rng } from '@spikedistill/core';
import { Sfc32 } from './sfc32.js';

/*
 * Standard normal draws by the ziggurat method (Marsaglia & Tsang 2000,
 * 128 layers). About 99% of draws cost one 32-bit random number, a table
 * look-up and a multiply, several times cheaper than Box–Muller or the polar
 * method; noising a test set is dominated by this. Following Doornik (2005)
 * the layer index comes from the low 7 bits and the value from the other 25,
 * so the two are independent (the original reuses the same bits for both).
 */

const LAYERS = 128;
const R = 3.442619855899;
const AREA = 9.91256303526217e-3;
const M1 = 2147483648;

const kn = new Int32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * M1);
  kn[1] = 0;
  wn[0] = q / M1;
  wn[LAYERS - 1] = dn / M1;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * M1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M1;
  }
}

/** A signed 32-bit random integer from the stream. */
const int32 = (rng: Rng | Sfc32) => (rng.uniform() * 4294967296) | 0;

/** One standard normal draw. */
export function zigguratNormal(rng: Rng | Sfc32): number {
  for (;;) {
    const j = int32(rng);
    const iz = j & (LAYERS - 1);
    const hz = j & ~(LAYERS - 1);
    if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!;
    // Base strip: sample the tail beyond R (Marsaglia 1964).
    if (iz === 0) {
      let x: number;
      let y: number;
      do {
        x = -Math.log(1 - rng.uniform()) / R;
        y = -Math.log(1 - rng.uniform());
      } while (y + y < x * x);
      return hz > 0 ? R + x : -R - x;
    }
    // Wedge: accept under the density, else draw again.
    const x = hz * wn[iz]!;
    if (fn[iz]! + rng.uniform() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
  }
}

/**
 * out[i] = clean[i] + std·N(0, 1), drawing from an SFC32 stream seeded by
 * `rng` (the same `rng` state gives the same bytes).
 */
export function addNormal(
  clean: Float32Array,
  std: number,
  rng: Rng,
  out: Float32Array,
): Float32Array {
  const fast = new Sfc32(rng);
  for (let i = 0; i < clean.length; i++) {
    const j = fast.int32();
    const iz = j & (LAYERS - 1);
    const hz = j & ~(LAYERS - 1);
    // The fast path inline; the rare slow path through the full sampler.
    const z = Math.abs(hz) < kn[iz]! ? hz * wn[iz]! : slowPath(fast, hz, iz);
    out[i] = clean[i]! + std * z;
  }
  return out;
}

function slowPath(rng: Rng | Sfc32, hz: number, iz: number): number {
  if (iz === 0) {
    let x: number;
    let y: number;
    do {
      x = -Math.log(1 - rng.uniform()) / R;
      y = -Math.log(1 - rng.uniform());
    } while (y + y < x * x);
    return hz > 0 ? R + x : -R - x;
  }
  const x = hz * wn[iz]!;
  if (fn[iz]! + rng.uniform() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
  return zigguratNormal(rng);
}
