/**
 * The 8 flips/rotations of a rectangle (the dihedral group D4), numbered
 * k = r + 4·f: first a horizontal flip if f = 1, then r quarter turns
 * counter-clockwise (as numpy.rot90). k = 0 is the identity.
 */
export const DIHEDRAL_COUNT = 8;

/** Output size of transform k applied to an h×w image. */
export function dihedralShape(k: number, h: number, w: number): [number, number] {
  return k % 2 === 1 ? [w, h] : [h, w];
}

/** For output pixel (y, x) of transform k of an h×w image, the source pixel [row, col]. */
export function dihedralSource(
  k: number,
  h: number,
  w: number,
  y: number,
  x: number,
): [number, number] {
  const turns = k % 4;
  // Undo the turns last-applied-first; each CCW turn maps out(y, x) to in(x, W-1-y)
  // where W is the width of that turn's input.
  for (let t = turns; t > 0; t--) {
    const inWidth = (t - 1) % 2 === 0 ? w : h;
    [y, x] = [x, inWidth - 1 - y];
  }
  if (k >= 4) x = w - 1 - x;
  return [y, x];
}

/**
 * Transform k as a linear map of flat HWC offsets: the sample at output
 * (y, x, c) is `src[start + y·dy + x·dx + c]`. One addition per pixel keeps
 * augmented patch extraction as fast as a plain crop.
 */
export function dihedralStrides(
  k: number,
  h: number,
  w: number,
  rowStride: number,
  channels: number,
): { start: number; dy: number; dx: number } {
  const at = (y: number, x: number) => {
    const [r, c] = dihedralSource(k, h, w, y, x);
    return r * rowStride + c * channels;
  };
  const start = at(0, 0);
  return { start, dy: at(1, 0) - start, dx: at(0, 1) - start };
}

/** Applies transform k to an HWC array; returns the new array and its size. */
export function dihedral(
  data: ArrayLike<number>,
  h: number,
  w: number,
  channels: number,
  k: number,
): { data: Float32Array; height: number; width: number } {
  const [oh, ow] = dihedralShape(k, h, w);
  const out = new Float32Array(oh * ow * channels);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const [r, c] = dihedralSource(k, h, w, y, x);
      for (let ch = 0; ch < channels; ch++)
        out[(y * ow + x) * channels + ch] = data[(r * w + c) * channels + ch]!;
    }
  }
  return { data: out, height: oh, width: ow };
}
