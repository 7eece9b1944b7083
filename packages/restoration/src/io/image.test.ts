import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@spikedistill/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageTensor, writeImage } from './image.js';

let dir = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'img-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Values on the 8-bit (or 16-bit) grid, so a round trip is exact. */
function grid(h: number, w: number, c: number, levels: number): tf.Tensor4D {
  const data = Float32Array.from(
    { length: h * w * c },
    (_, i) => ((i * 37) % (levels + 1)) / levels,
  );
  return tf.tensor4d(data, [1, h, w, c]);
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('image I/O', () => {
  it('round-trips 8-bit gray and 16-bit RGB PNG exactly', async () => {
    const gray = grid(5, 7, 1, 255);
    await writeImage(join(dir, 'g.png'), gray);
    const g = await readImageTensor(join(dir, 'g.png'));
    expect(g.shape).toEqual([1, 5, 7, 1]);
    expect(maxDiff(g, gray)).toBeLessThan(1e-6);

    const rgb = grid(4, 3, 3, 65535);
    await writeImage(join(dir, 'sub/rgb16.png'), rgb, { bitDepth: 16 });
    const r = await readImageTensor(join(dir, 'sub/rgb16.png'));
    expect(r.shape).toEqual([1, 4, 3, 3]);
    expect(maxDiff(r, rgb)).toBeLessThan(1e-7);
  });

  it('clips and rounds on write', async () => {
    const t = tf.tensor4d([-0.5, 0.2, 1.7, 100.4 / 255], [1, 1, 4, 1]);
    await writeImage(join(dir, 'clip.png'), t);
    const back = await readImageTensor(join(dir, 'clip.png'));
    expect([...back.dataSync()].map((v) => Math.round(v * 255))).toEqual([0, 51, 255, 100]);
  });

  it('round-trips TIFF (8-bit; gray comes back as RGB unless asked for 1 channel)', async () => {
    const rgb = grid(6, 5, 3, 255);
    await writeImage(join(dir, 'c.tif'), rgb);
    expect(maxDiff(await readImageTensor(join(dir, 'c.tif')), rgb)).toBeLessThan(1e-6);
    const gray = grid(6, 5, 1, 255);
    await writeImage(join(dir, 'g.tiff'), gray);
    const back = await readImageTensor(join(dir, 'g.tiff'), { channels: 1 });
    expect(back.shape).toEqual([1, 6, 5, 1]);
    expect(maxDiff(back, gray)).toBeLessThan(2 / 255);
  });

  it('names the file in errors', async () => {
    await writeFile(
      join(dir, 'broken.png'),
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
    );
    await expect(readImageTensor(join(dir, 'broken.png'))).rejects.toThrow(/broken\.png/);
    await expect(readImageTensor(join(dir, 'absent.png'))).rejects.toThrow(/absent\.png/);
    await expect(writeImage(join(dir, 'x.jpg'), tf.zeros([1, 2, 2, 1]))).rejects.toThrow(
      /x\.jpg.*unsupported extension '\.jpg'/,
    );
    await expect(
      writeImage(join(dir, 'x.tif'), tf.zeros([1, 2, 2, 1]), { bitDepth: 16 }),
    ).rejects.toThrow(/x\.tif.*8-bit only/);
  });
});
