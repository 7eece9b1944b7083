import { describe, expect, it } from 'vitest';
import { randomImage } from '../testing/fixtures.js';
import { resizeImage } from './resize.js';

describe('resizeImage (bicubic, imresize-style)', () => {
  it('scale 1 is the identity; sizes round like imresize', () => {
    const image = randomImage(180, 180, 1);
    expect(resizeImage(image, 1)).toBe(image);
    const small = resizeImage(image, 0.7);
    expect([small.height, small.width]).toEqual([126, 126]);
    expect([resizeImage(image, 0.9).height, resizeImage(image, 0.8).width]).toEqual([162, 144]);
  });

  it('keeps constants constant and linear ramps linear (away from borders)', () => {
    const ramp = {
      data: Float32Array.from({ length: 40 * 3 }, (_, i) => Math.floor(i / 3) / 40 + (i % 3) * 0.1),
      height: 1,
      width: 40,
      channels: 3,
    };
    for (const scale of [0.5, 0.7, 1.6]) {
      const out = resizeImage(ramp, scale);
      for (let x = 4; x < out.width - 4; x++) {
        const u = (x + 0.5) / scale - 0.5;
        // Keys' kernel reproduces linear functions exactly; widened for shrinking it does so only nearly.
        const digits = scale > 1 ? 5 : 2;
        for (let k = 0; k < 3; k++)
          expect(out.data[x * 3 + k]).toBeCloseTo(u / 40 + k * 0.1, digits);
      }
    }
    const flat = resizeImage(
      { data: new Float32Array(9 * 7).fill(0.25), height: 9, width: 7, channels: 1 },
      0.8,
    );
    for (const v of flat.data) expect(v).toBeCloseTo(0.25, 6);
  });

  it('antialiases when shrinking: a pixel-level checkerboard averages out to grey', () => {
    const n = 32;
    const checker = {
      data: Float32Array.from({ length: n * n }, (_, i) => ((i % n) + Math.floor(i / n)) % 2),
      height: n,
      width: n,
      channels: 1,
    };
    const out = resizeImage(checker, 0.5);
    for (let y = 2; y < 14; y++)
      for (let x = 2; x < 14; x++) expect(out.data[y * 16 + x]).toBeCloseTo(0.5, 2);
  });
});
