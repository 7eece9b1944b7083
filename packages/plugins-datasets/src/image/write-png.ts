import { writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encode } from 'fast-png';
import type { Image } from './image.js';

export interface WritePngOptions {
  /** 8 (default) or 16 bits per sample. */
  bitDepth?: 8 | 16;
}

/** Encodes an image (values clipped to [0, 1], rounded) as PNG bytes. */
export function encodePng(image: Image, options: WritePngOptions = {}): Uint8Array {
  const depth = options.bitDepth ?? 8;
  if (depth !== 8 && depth !== 16) throw new RangeError(`bitDepth must be 8 or 16, got ${depth}`);
  if (image.channels !== 1 && image.channels !== 3) {
    throw new RangeError(`PNG output needs 1 or 3 channels, got ${image.channels}`);
  }
  const max = 2 ** depth - 1;
  const out = depth === 8 ? new Uint8Array(image.data.length) : new Uint16Array(image.data.length);
  const src = image.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    out[i] = Math.round((v < 0 ? 0 : Math.min(v, 1)) * max);
  }
  return encode({
    width: image.width,
    height: image.height,
    data: out,
    depth,
    channels: image.channels,
  });
}

/** Writes a PNG file, creating its folder if needed. */
export async function writePng(
  path: string,
  image: Image,
  options: WritePngOptions = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodePng(image, options));
}

export function writePngSync(path: string, image: Image, options: WritePngOptions = {}): void {
  writeFileSync(path, encodePng(image, options));
}
