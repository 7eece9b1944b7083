import type { Rng } from '@spikedistill/core';

export interface DeadLeavesOptions {
  height: number;
  width: number;
  channels: number;
  /** Smallest and largest shape radius in pixels. */
  rMin: number;
  rMax: number;
  /** Exponent of the radius density r^-alpha; 3 makes the image scale-invariant like natural images. */
  alpha: number;
  /** Amplitude of in-shape texture (gratings and shading), [0, 1] scale; 0 for flat shapes. */
  texture: number;
  /** Cap on shapes per image; pixels still uncovered then take the last shape's colour. */
  maxShapes: number;
}

export const DEAD_LEAVES_DEFAULTS = {
  rMin: 4,
  rMax: 128,
  alpha: 3,
  texture: 0.12,
  maxShapes: 4000,
} as const;

/** Bounding radius of a shape over its radius: a rectangle of aspect ≤ 1 reaches r·√2. */
const REACH = Math.SQRT2;

/** ∫ r^-beta dr over [rMin, rMax]. */
function powerMass(rMin: number, rMax: number, beta: number): number {
  if (Math.abs(beta - 1) < 1e-9) return Math.log(rMax / rMin);
  return (rMax ** (1 - beta) - rMin ** (1 - beta)) / (1 - beta);
}

/** Radius from the truncated power law p(r) ∝ r^-alpha on [rMin, rMax] (inverse CDF). */
function sampleRadius(rng: Rng, rMin: number, rMax: number, alpha: number): number {
  const u = rng.uniform();
  if (Math.abs(alpha - 1) < 1e-9) return rMin * (rMax / rMin) ** u;
  const e = 1 - alpha;
  const lo = rMin ** e;
  const hi = rMax ** e;
  return (lo + u * (hi - lo)) ** (1 / e);
}

/**
 * Dead-leaves image: random shapes (discs and rotated rectangles) fall on top
 * of each other; the image is what stays visible. With power-law sizes its
 * statistics (1/f spectrum, edges at all scales, flat regions) resemble
 * natural images (Lee, Mumford & Huang 2001), and it needs no files.
 *
 * Drawn front to back with a coverage mask: each pixel is written once by
 * the first shape that covers it, and drawing stops as soon as the image is
 * covered, which is much cheaper than painting every shape back to front.
 */
export function deadLeaves(rng: Rng, o: DeadLeavesOptions, out?: Float32Array): Float32Array {
  const { height: h, width: w, channels: ch } = o;
  const data = out ?? new Float32Array(h * w * ch);
  const covered = new Uint8Array(h * w);
  let left = h * w;
  // A global tint per image, as an illuminant shifts every colour in a photo.
  const tintA = 0.04 * rng.normal();
  const tintB = 0.04 * rng.normal();
  const color = new Float32Array(3);
  // Only shapes that touch the image matter. A shape of reach ρ = REACH·r
  // touches it with probability ∝ (h + 2ρ)(w + 2ρ), so among the shapes that
  // do, p(r) ∝ r^-α·(hw + 2·REACH·(h+w)·r + 4·REACH²·r²): a mixture of three
  // power laws, sampled exactly. Same picture as dropping shapes on an
  // infinite plane, without drawing the misses.
  const mix = [
    h * w * powerMass(o.rMin, o.rMax, o.alpha),
    2 * REACH * (h + w) * powerMass(o.rMin, o.rMax, o.alpha - 1),
    4 * REACH * REACH * powerMass(o.rMin, o.rMax, o.alpha - 2),
  ];
  const total = mix[0]! + mix[1]! + mix[2]!;
  for (let s = 0; s < o.maxShapes && left > 0; s++) {
    const pick = rng.uniform() * total;
    const exponent =
      pick < mix[0]! ? o.alpha : pick < mix[0]! + mix[1]! ? o.alpha - 1 : o.alpha - 2;
    const r = sampleRadius(rng, o.rMin, o.rMax, exponent);
    const isRect = rng.uniform() < 0.35;
    const aspect = isRect ? 0.3 + 0.7 * rng.uniform() : 1;
    const reach = r * REACH;
    const cy = -reach + rng.uniform() * (h + 2 * reach);
    const cx = -reach + rng.uniform() * (w + 2 * reach);
    const theta = Math.PI * rng.uniform();
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const y0 = Math.max(0, Math.ceil(cy - reach));
    const y1 = Math.min(h - 1, Math.floor(cy + reach));
    const x0 = Math.max(0, Math.ceil(cx - reach));
    const x1 = Math.min(w - 1, Math.floor(cx + reach));
    // Colour in an opponent space (luminance, red-green, yellow-blue): most
    // surfaces are weakly saturated, a few strongly, as in photographs.
    const lum = rng.uniform() ** 1.2;
    const sat = rng.uniform() ** 2;
    const ca = tintA + 0.35 * sat * rng.normal();
    const cb = tintB + 0.35 * sat * rng.normal();
    color[0] = lum + ca / 2 + cb / 3;
    color[1] = lum - ca / 2 + cb / 3;
    color[2] = lum - (2 * cb) / 3;
    // Texture: an oriented grating and a linear shading ramp inside the shape.
    const textured = o.texture > 0 && rng.uniform() < 0.6;
    const amp = textured ? o.texture * rng.uniform() : 0;
    const freq = 2 * Math.PI * Math.exp(Math.log(0.04) + rng.uniform() * Math.log(0.45 / 0.04));
    const gAngle = Math.PI * rng.uniform();
    const fy = freq * Math.sin(gAngle);
    const fx = freq * Math.cos(gAngle);
    const phase = 2 * Math.PI * rng.uniform();
    const shade = textured ? (o.texture * rng.normal()) / Math.max(r, 1) : 0;
    const shadeAngle = 2 * Math.PI * rng.uniform();
    const sy = shade * Math.sin(shadeAngle);
    const sx = shade * Math.cos(shadeAngle);
    const ra = r * aspect;
    if (y0 > y1 || x0 > x1) continue;
    // The grating along a row advances by a fixed angle per pixel: rotate a
    // (cos, sin) pair instead of calling Math.sin for every pixel.
    const stepC = Math.cos(fx);
    const stepS = Math.sin(fx);
    for (let y = y0; y <= y1; y++) {
      const dy = y - cy;
      // The shape's span on this row, solved exactly, so only pixels inside it are visited.
      let lo: number;
      let hi: number;
      if (isRect) {
        [lo, hi] = slab(cos, dy * sin, r, -Infinity, Infinity);
        [lo, hi] = slab(-sin, dy * cos, ra, lo, hi);
      } else {
        const q = r * r - dy * dy;
        if (q < 0) continue;
        hi = Math.sqrt(q);
        lo = -hi;
      }
      const xa = Math.max(x0, Math.ceil(cx + lo));
      const xb = Math.min(x1, Math.floor(cx + hi));
      if (xa > xb) continue;
      let gc = 0;
      let gs = 0;
      if (amp) {
        const a0 = fy * y + fx * xa + phase;
        gc = Math.cos(a0);
        gs = Math.sin(a0);
      }
      for (let x = xa; x <= xb; x++) {
        const p = y * w + x;
        if (!covered[p]) {
          covered[p] = 1;
          left--;
          const t = amp * gs + sy * dy + sx * (x - cx);
          if (ch === 1) {
            data[p] = lum + t;
          } else {
            const q = p * ch;
            data[q] = color[0]! + t;
            data[q + 1] = color[1]! + t;
            data[q + 2] = color[2]! + t;
          }
        }
        if (amp) {
          const c = gc * stepC - gs * stepS;
          gs = gs * stepC + gc * stepS;
          gc = c;
        }
      }
    }
  }
  if (left > 0) fillUncovered(data, covered, w, ch);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    data[i] = v < 0 ? 0 : Math.min(v, 1);
  }
  return data;
}

/** Intersects [lo, hi] with the dx where |a·dx + b| ≤ half (one slab of a rotated rectangle). */
function slab(a: number, b: number, half: number, lo: number, hi: number): [number, number] {
  if (Math.abs(a) < 1e-12) return Math.abs(b) <= half ? [lo, hi] : [1, 0];
  const p = (-half - b) / a;
  const q = (half - b) / a;
  return [Math.max(lo, Math.min(p, q)), Math.min(hi, Math.max(p, q))];
}

/**
 * Gaps left when the shape cap is reached take the colour of the pixel to
 * their left (or above, at a row start): the leaf behind them, extended.
 */
function fillUncovered(data: Float32Array, covered: Uint8Array, w: number, ch: number) {
  for (let p = 0; p < covered.length; p++) {
    if (covered[p]) continue;
    const from = p % w > 0 ? p - 1 : p - w;
    for (let c = 0; c < ch; c++) data[p * ch + c] = from >= 0 ? data[from * ch + c]! : 0.5;
  }
}
