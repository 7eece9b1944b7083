import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChannelLayerNorm } from './layer-norm.js';
import { pixelShuffle, pixelUnshuffle } from './pixel-shuffle.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ChannelLayerNorm', () => {
  it('normalises each pixel over its channels', () => {
    const ln = new ChannelLayerNorm(3);
    const y = ln.forward(tf.tensor4d([1, 2, 3, 0, 0, 6], [1, 1, 2, 3])).dataSync();
    const v1 = 2 / 3;
    expect(y[0]).toBeCloseTo(-1 / Math.sqrt(v1 + 1e-5), 5);
    expect(y[5]).toBeCloseTo(4 / Math.sqrt(8 + 1e-5), 5);
    ln.dispose();
  });
});

describe('pixel shuffle', () => {
  it("follows PyTorch's channel order: c·r² + i·r + j → (h·r + i, w·r + j, c)", () => {
    const r = 2;
    const [h, w, c] = [2, 3, 2];
    const data = Array.from({ length: h * w * c * r * r }, (_, i) => i);
    const x = tf.tensor4d(data, [1, h, w, c * r * r]);
    const y = pixelShuffle(x, r).arraySync()[0]!;
    for (let yy = 0; yy < h; yy++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++)
          for (let i = 0; i < r; i++)
            for (let j = 0; j < r; j++) {
              const src = data[(yy * w + xx) * c * r * r + ch * r * r + i * r + j];
              expect(y[yy * r + i]![xx * r + j]![ch]).toBe(src);
            }
    expect(pixelUnshuffle(pixelShuffle(x, r), r).arraySync()).toEqual(x.arraySync());
  });
});
