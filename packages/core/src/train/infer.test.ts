import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { tf } from '../tf.js';
import { TinyDenoiser } from './fixtures.test-helpers.js';
import { forwardBytesPerPixel, restoreImage } from './infer.js';

describe('restoreImage', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('restores a large image in overlapping tiles, equal to the whole-image forward', async () => {
    const model = new TinyDenoiser(new Rng(5));
    const image = tf.randomUniform([1, 150, 97, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const whole = await restoreImage(model, image);
    const calls: number[][] = [];
    const forward = model.forward.bind(model);
    model.forward = (x, o) => {
      calls.push(x.shape.slice(1, 3));
      return forward(x, o);
    };
    // A budget of ~60² pixels: the 150×97 image needs several tiles.
    const budget = (await forwardBytesPerPixel(model)) * 60 * 60;
    const before = tf.memory().numTensors;
    const tiled = await restoreImage(model, image, { memoryBudget: budget, overlap: 8 });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(calls.length).toBeGreaterThan(4);
    expect(Math.max(...calls.map(([h, w]) => h! * w!))).toBeLessThanOrEqual(60 * 60);
    expect([...tiled.dataSync()]).toEqual([...whole.dataSync()]);
    tf.dispose([image, whole, tiled]);
    model.dispose();
  });
});
