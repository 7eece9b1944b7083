import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listImages } from '../sources/list-images.js';
import { sharedDataRoot } from '../testing/fixtures.js';
import { grayToRgb, RGB_TO_GRAY, rgbToGray, toChannels } from './color.js';
import { readImageSync } from './read-image.js';

describe('colour conversion', () => {
  it('uses the MATLAB rgb2gray weights, which sum to 1', () => {
    expect(RGB_TO_GRAY[0] + RGB_TO_GRAY[1] + RGB_TO_GRAY[2]).toBeCloseTo(1, 12);
    const gray = rgbToGray({
      data: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.4, 0.6]),
      height: 1,
      width: 4,
      channels: 3,
    });
    expect(gray.channels).toBe(1);
    const expected = [
      0.298936021293775,
      0.587043074451121,
      0.114020904255103,
      0.2 * 0.298936021293775 + 0.4 * 0.587043074451121 + 0.6 * 0.114020904255103,
    ];
    expected.forEach((v, i) => {
      expect(gray.data[i]).toBeCloseTo(v, 6);
    });
  });

  it('repeats gray into RGB and round-trips', () => {
    const g = { data: new Float32Array([0.1, 0.7]), height: 1, width: 2, channels: 1 };
    const rgb = grayToRgb(g);
    expect(Array.from(rgb.data)).toEqual([0.1, 0.1, 0.1, 0.7, 0.7, 0.7].map(Math.fround));
    expect(Array.from(toChannels(rgb, 1).data)).toEqual(
      Array.from(g.data).map((v) => expect.closeTo(v, 6)),
    );
  });

  const root = sharedDataRoot();
  it.skipIf(!root)(
    'BSD68 equals round(rgb2gray(CBSD68)) pixel for pixel (needs ../shared/datasets)',
    () => {
      const color = listImages(join(root!, 'CBSD68'), false);
      // The README's mapping: testNNN is the NNN-th CBSD68 file in byte-wise order.
      for (const n of [1, 17, 68]) {
        const rgb = readImageSync(join(root!, 'CBSD68', color[n - 1]!));
        const gray = readImageSync(join(root!, 'BSD68', `test${String(n).padStart(3, '0')}.png`));
        const ours = rgbToGray(rgb);
        let mismatches = 0;
        for (let i = 0; i < gray.data.length; i++) {
          if (Math.round(ours.data[i]! * 255) !== Math.round(gray.data[i]! * 255)) mismatches++;
        }
        expect(mismatches, `test${n}`).toBe(0);
      }
    },
  );
});
