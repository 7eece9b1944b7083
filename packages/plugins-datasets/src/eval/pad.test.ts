import { padToMultiple, tf } from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { describe, expect, it } from 'vitest';
import { randomImage } from '../testing/fixtures.js';
import { cropImage, reflectPadImage, roundUp } from './pad.js';

describe('reflect padding', () => {
  it('pads [1, 2, 3] to 8 by reflection without repeating the edge', () => {
    const image = { data: new Float32Array([1, 2, 3]), height: 1, width: 3, channels: 1 };
    const padded = reflectPadImage(image, 8);
    expect([padded.height, padded.width]).toEqual([8, 8]);
    expect(Array.from(padded.data.subarray(0, 8))).toEqual([1, 2, 3, 2, 1, 2, 3, 2]);
    // One-row images repeat their only row.
    expect(Array.from(padded.data.subarray(8, 16))).toEqual([1, 2, 3, 2, 1, 2, 3, 2]);
  });

  it('matches tf.mirrorPad and crops back exactly', async () => {
    const image = randomImage(21, 17, 3);
    const padded = reflectPadImage(image, 8);
    expect([padded.height, padded.width]).toEqual([roundUp(21, 8), roundUp(17, 8)]);
    expect(cropImage(padded, 21, 17).data).toEqual(image.data);
    await expectNoLeaks(async () => {
      const x = tf.tensor4d(image.data, [1, 21, 17, 3]);
      const { padded: px, crop } = padToMultiple(x, 8);
      expect(px.shape).toEqual([1, 24, 24, 3]);
      expect(Array.from(await px.data())).toEqual(Array.from(padded.data));
      const back = crop(px);
      expect(Array.from(await back.data())).toEqual(Array.from(image.data));
      tf.dispose([x, px, back]);
    });
  });

  it('padToMultiple refuses pads beyond the image with a shape error', () => {
    const x = tf.zeros([1, 3, 3, 1]) as tf.Tensor4D;
    expect(() => padToMultiple(x, 8)).toThrow(/reflect-pad to a multiple of 8/);
    x.dispose();
  });
});
