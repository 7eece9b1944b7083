import { describe, expect, it } from 'vitest';
import { DIHEDRAL_COUNT, dihedral, dihedralShape, dihedralStrides } from './dihedral.js';

// [[1, 2, 3],
//  [4, 5, 6]]
const patch = [1, 2, 3, 4, 5, 6];

/** Written out by hand: k = r + 4f, flip (left-right) first, then r CCW quarter turns (numpy.rot90). */
const expected: Record<number, { h: number; w: number; data: number[] }> = {
  0: { h: 2, w: 3, data: [1, 2, 3, 4, 5, 6] },
  1: { h: 3, w: 2, data: [3, 6, 2, 5, 1, 4] },
  2: { h: 2, w: 3, data: [6, 5, 4, 3, 2, 1] },
  3: { h: 3, w: 2, data: [4, 1, 5, 2, 6, 3] },
  4: { h: 2, w: 3, data: [3, 2, 1, 6, 5, 4] },
  5: { h: 3, w: 2, data: [1, 4, 2, 5, 3, 6] },
  6: { h: 2, w: 3, data: [4, 5, 6, 1, 2, 3] },
  7: { h: 3, w: 2, data: [6, 3, 5, 2, 4, 1] },
};

const key = (t: { height: number; width: number; data: ArrayLike<number> }) =>
  `${t.height}x${t.width}:${Array.from(t.data).join(',')}`;

describe('dihedral transforms', () => {
  it('match the hand-written 8 transforms of a 2x3 patch', () => {
    for (let k = 0; k < DIHEDRAL_COUNT; k++) {
      const t = dihedral(patch, 2, 3, 1, k);
      expect({ h: t.height, w: t.width, data: Array.from(t.data) }, `k=${k}`).toEqual(expected[k]);
      expect(dihedralShape(k, 2, 3)).toEqual([t.height, t.width]);
    }
  });

  it('form the dihedral group: 8 distinct elements, closed under composition, with inverses', () => {
    const all = new Set(Array.from({ length: 8 }, (_, k) => key(dihedral(patch, 2, 3, 1, k))));
    expect(all.size).toBe(8);
    let identities = 0;
    for (let a = 0; a < 8; a++) {
      const ta = dihedral(patch, 2, 3, 1, a);
      let hasInverse = false;
      for (let b = 0; b < 8; b++) {
        const tb = dihedral(ta.data, ta.height, ta.width, 1, b);
        expect(all.has(key(tb))).toBe(true);
        if (key(tb) === key({ height: 2, width: 3, data: patch })) hasInverse = true;
      }
      expect(hasInverse, `k=${a} has an inverse`).toBe(true);
      if (key(ta) === key({ height: 2, width: 3, data: patch })) identities++;
    }
    expect(identities).toBe(1);
  });

  it('moves channels together', () => {
    const rgb = patch.flatMap((v) => [v, 10 * v, 100 * v]);
    const t = dihedral(rgb, 2, 3, 3, 1);
    expect(Array.from(t.data)).toEqual(expected[1]!.data.flatMap((v) => [v, 10 * v, 100 * v]));
  });

  it('strides reproduce the transform inside a larger image', () => {
    // A 4x5x2 image; take the 3x3 crop at (1, 2) under each transform.
    const w = 5;
    const c = 2;
    const image = Array.from({ length: 4 * w * c }, (_, i) => i);
    const crop = [];
    for (let y = 1; y < 4; y++)
      for (let x = 2; x < 5; x++)
        for (let k = 0; k < c; k++) crop.push(image[(y * w + x) * c + k]!);
    for (let k = 0; k < 8; k++) {
      const want = Array.from(dihedral(crop, 3, 3, c, k).data);
      const { start, dy, dx } = dihedralStrides(k, 3, 3, w * c, c);
      const base = (1 * w + 2) * c + start;
      const got = [];
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++)
          for (let ch = 0; ch < c; ch++) got.push(image[base + y * dy + x * dx + ch]);
      expect(got, `k=${k}`).toEqual(want);
    }
  });
});
