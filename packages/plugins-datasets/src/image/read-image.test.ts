import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import UTIF from 'utif2';
import { describe, expect, it } from 'vitest';
import { ImageReadError } from '../errors.js';
import { randomImage, tempDir } from '../testing/fixtures.js';
import { readImage, readImageSync } from './read-image.js';
import { encodePng, writePng } from './write-png.js';

describe('readImage / writePng', () => {
  const dir = tempDir();

  for (const channels of [1, 3]) {
    for (const bitDepth of [8, 16] as const) {
      it(`round-trips ${channels}-channel ${bitDepth}-bit PNG`, async () => {
        const image = randomImage(5, 7, channels, channels * bitDepth);
        const path = join(dir, `rt-${channels}-${bitDepth}.png`);
        await writePng(path, image, { bitDepth });
        const back = await readImage(path);
        expect([back.height, back.width, back.channels]).toEqual([5, 7, channels]);
        expect(back.source).toBe(path);
        // 8-bit-grid values are exact in 16 bits too (v/255 = 257·v/65535).
        for (let i = 0; i < image.data.length; i++)
          expect(back.data[i]).toBeCloseTo(image.data[i]!, 6);
      });
    }
  }

  it('keeps 16-bit precision', async () => {
    const data = new Float32Array([0, 1 / 65535, 0.5, 1]);
    const path = join(dir, 'sixteen.png');
    await writePng(path, { data, height: 1, width: 4, channels: 1 }, { bitDepth: 16 });
    const back = await readImage(path);
    expect(back.data[1]! * 65535).toBeCloseTo(1, 3);
    expect(back.data[2]! * 65535).toBeCloseTo(32768, 1);
  });

  it('drops alpha and converts channels on request', () => {
    const rgba = new Uint8Array([255, 0, 0, 10, 0, 255, 0, 20]);
    const path = join(dir, 'rgba.png');
    writeFileSync(path, encode({ width: 2, height: 1, data: rgba, channels: 4, depth: 8 }));
    const rgb = readImageSync(path);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual([1, 0, 0, 0, 1, 0]);
    const gray = readImageSync(path, { channels: 1 });
    expect(gray.data[0]).toBeCloseTo(0.298936021293775, 6);
    expect(gray.data[1]).toBeCloseTo(0.587043074451121, 6);
  });

  it('unpacks 1, 2 and 4-bit gray and expands palettes', () => {
    const cases = [
      { depth: 1 as const, bytes: [0b10110000], want: [1, 0, 1] },
      { depth: 2 as const, bytes: [0b10110000], want: [2 / 3, 1, 0] },
      { depth: 4 as const, bytes: [0xa3, 0xf0], want: [10 / 15, 3 / 15, 1] },
    ];
    for (const { depth, bytes, want } of cases) {
      const png = encode({ width: 3, height: 1, data: new Uint8Array(bytes), depth, channels: 1 });
      const image = readImageSync(writeTemp(png));
      expect(image.channels).toBe(1);
      want.forEach((v, i) => {
        expect(image.data[i], `depth ${depth}, pixel ${i}`).toBeCloseTo(v, 6);
      });
    }
    const indexed = encode({
      width: 2,
      height: 1,
      data: new Uint8Array([0, 1]),
      depth: 8,
      channels: 1,
      palette: [
        [255, 0, 0],
        [0, 0, 255],
      ],
    });
    const rgb = readImageSync(writeTemp(indexed));
    expect([rgb.channels, ...rgb.data]).toEqual([3, 1, 0, 0, 0, 0, 1]);
  });

  it('clips and rounds when writing', () => {
    const bytes = encodePng({
      data: new Float32Array([-0.5, 0.5, 2]),
      height: 1,
      width: 3,
      channels: 1,
    });
    const back = readImageSync(writeTemp(bytes));
    expect(Array.from(back.data, (v) => Math.round(v * 255))).toEqual([0, 128, 255]);
  });

  it('reads an uncompressed RGB(A) TIFF', () => {
    const rgba = new Uint8Array([
      10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255,
    ]);
    const path = join(dir, 'plain.tif');
    writeFileSync(path, new Uint8Array(UTIF.encodeImage(rgba, 2, 2)));
    const image = readImageSync(path);
    expect([image.height, image.width, image.channels]).toEqual([2, 2, 3]);
    expect(Array.from(image.data, (v) => Math.round(v * 255))).toEqual([
      10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120,
    ]);
  });

  for (const littleEndian of [true, false]) {
    it(`reads a 16-bit gray TIFF (${littleEndian ? 'II' : 'MM'} byte order)`, () => {
      const values = [0, 1, 256, 32768, 65535, 12345];
      const path = join(dir, `gray16-${littleEndian}.tif`);
      writeFileSync(path, tiff16(values, 3, 2, littleEndian));
      const image = readImageSync(path);
      expect([image.height, image.width, image.channels]).toEqual([2, 3, 1]);
      expect(Array.from(image.data, (v) => Math.round(v * 65535))).toEqual(values);
    });
  }

  function writeTemp(bytes: Uint8Array): string {
    const path = join(dir, `tmp-${Math.random().toString(36).slice(2)}.png`);
    writeFileSync(path, bytes);
    return path;
  }

  describe('errors name the file', () => {
    it('truncated PNG', async () => {
      const good = encodePng(randomImage(16, 16, 1));
      const path = join(dir, 'truncated.png');
      writeFileSync(path, good.subarray(0, 40));
      await expect(readImage(path)).rejects.toThrow(ImageReadError);
      await expect(readImage(path)).rejects.toThrow(/truncated\.png.*corrupt PNG/);
    });

    it('not an image', async () => {
      const path = join(dir, 'text.png');
      writeFileSync(path, 'hello, world');
      await expect(readImage(path)).rejects.toThrow(
        /text\.png: not a PNG or TIFF file \(first bytes: 68 65/,
      );
    });

    it('empty file', () => {
      const path = join(dir, 'empty.png');
      writeFileSync(path, '');
      expect(() => readImageSync(path)).toThrow(/empty\.png.*the file is empty/);
    });

    it('corrupt TIFF', () => {
      const path = join(dir, 'bad.tif');
      writeFileSync(path, new Uint8Array([0x49, 0x49, 0x2a, 0x00, 0xff, 0xff, 0xff, 0x7f]));
      expect(() => readImageSync(path)).toThrow(/bad\.tif: corrupt TIFF/);
    });

    it('missing file', async () => {
      await expect(readImage(join(dir, 'nope.png'))).rejects.toMatchObject({
        code: 'E_IO',
        path: join(dir, 'nope.png'),
      });
    });
  });
});

/** A minimal uncompressed 16-bit gray TIFF, written field by field (no library writes one). */
function tiff16(values: number[], width: number, height: number, le: boolean): Uint8Array {
  const entries: [number, number, number][] = [
    [256, 3, width],
    [257, 3, height],
    [258, 3, 16],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0],
    [277, 3, 1],
    [278, 3, height],
    [279, 4, values.length * 2],
  ];
  const dataAt = 8 + 2 + entries.length * 12 + 4;
  const buf = new Uint8Array(dataAt + values.length * 2);
  const view = new DataView(buf.buffer);
  buf.set(le ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, le);
  view.setUint32(4, 8, le);
  view.setUint16(8, entries.length, le);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    view.setUint16(at, tag, le);
    view.setUint16(at + 2, type, le);
    view.setUint32(at + 4, 1, le);
    const v = tag === 273 ? dataAt : value;
    if (type === 3) view.setUint16(at + 8, v, le);
    else view.setUint32(at + 8, v, le);
  });
  values.forEach((v, i) => {
    view.setUint16(dataAt + 2 * i, v, le);
  });
  return buf;
}
