import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { convertIndexedToRgb, decode as decodePng, hasPngSignature } from 'fast-png';
import UTIF from 'utif2';
import { ImageReadError } from '../errors.js';
import { toChannels } from './color.js';
import type { Image } from './image.js';

export interface ReadImageOptions {
  /** Convert to 1 (gray, MATLAB rgb2gray weights) or 3 (RGB) channels; by default the file's own. */
  channels?: number;
}

/** Reads a PNG (1–16 bit, gray/RGB, alpha dropped, palette expanded) or TIFF into [0, 1] floats. */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<Image> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ImageReadError(path, (err as Error).message, { cause: err });
  }
  return toChannels(decodeImage(bytes, path), options.channels);
}

export function readImageSync(path: string, options: ReadImageOptions = {}): Image {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ImageReadError(path, (err as Error).message, { cause: err });
  }
  return toChannels(decodeImage(bytes, path), options.channels);
}

const TIFF_LE = [0x49, 0x49, 0x2a, 0x00];
const TIFF_BE = [0x4d, 0x4d, 0x00, 0x2a];
const startsWith = (bytes: Uint8Array, sig: number[]) => sig.every((b, i) => bytes[i] === b);

/** Decodes by content (not by extension), so a mislabelled file still reads or fails by name. */
export function decodeImage(bytes: Uint8Array, path = '<buffer>'): Image {
  if (hasPngSignature(bytes)) return decodePngBytes(bytes, path);
  if (startsWith(bytes, TIFF_LE) || startsWith(bytes, TIFF_BE)) return decodeTiffBytes(bytes, path);
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ImageReadError(
    path,
    `not a PNG or TIFF file (first bytes: ${head || 'none, the file is empty'}); supported formats: PNG, TIFF`,
  );
}

function decodePngBytes(bytes: Uint8Array, path: string): Image {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (err) {
    throw new ImageReadError(path, `corrupt PNG (${(err as Error).message})`, { cause: err });
  }
  const { width, height } = png;
  let samples: ArrayLike<number> = png.data;
  let channels = png.channels;
  let depth: number = png.depth;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    depth = 8;
  } else if (depth < 8) {
    samples = unpackBits(png.data as Uint8Array, width * channels, height, depth);
  }
  const max = 2 ** depth - 1;
  // Alpha is dropped, not composited: restoration data sets are opaque, and
  // compositing onto an arbitrary background would invent pixel values.
  const keep = channels === 2 || channels === 4 ? channels - 1 : channels;
  return fromSamples(samples, height, width, channels, keep, max, path);
}

/** PNG rows of 1/2/4-bit samples are packed MSB first and padded to a byte. */
function unpackBits(packed: Uint8Array, perRow: number, rows: number, depth: number): Uint8Array {
  const out = new Uint8Array(perRow * rows);
  const bytesPerRow = Math.ceil((perRow * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      const byte = packed[r * bytesPerRow + (bit >> 3)]!;
      out[r * perRow + i] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function decodeTiffBytes(bytes: Uint8Array, path: string): Image {
  const buffer = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  let ifd: UTIF.IFD;
  try {
    const ifds = UTIF.decode(buffer);
    if (!ifds[0]) throw new Error('no image directory');
    ifd = ifds[0];
    UTIF.decodeImage(buffer, ifd);
  } catch (err) {
    throw new ImageReadError(path, `corrupt TIFF (${(err as Error).message})`, { cause: err });
  }
  const { width, height } = ifd;
  if (!width || !height || !ifd.data)
    throw new ImageReadError(path, 'corrupt TIFF (no pixel data)');
  const tag = (name: string, fallback: number) => {
    const v = ifd[name] as number[] | undefined;
    return v?.[0] ?? fallback;
  };
  const bits = tag('t258', 1);
  const spp = tag('t277', 1);
  const photometric = tag('t262', 1);
  const planar = tag('t284', 1);
  const direct =
    (bits === 8 || bits === 16) && planar === 1 && (photometric === 1 || photometric === 2);
  if (direct && ifd.data.length >= width * height * spp * (bits / 8)) {
    // UTIF swaps 16-bit big-endian samples to little-endian while decoding.
    const samples = bits === 8 ? ifd.data : readUint16(ifd.data, width * height * spp, true);
    const keep = photometric === 1 ? 1 : 3;
    return fromSamples(samples, height, width, spp, keep, 2 ** bits - 1, path);
  }
  // Everything else (palette, CMYK, planar, odd depths) goes through UTIF's
  // own RGBA8 conversion; gray stays gray when the file says it is.
  const rgba = UTIF.toRGBA8(ifd);
  const keep = photometric === 0 || photometric === 1 ? 1 : 3;
  return fromSamples(rgba, height, width, 4, keep, 255, path);
}

function readUint16(bytes: Uint8Array, count: number, littleEndian: boolean): Uint16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, littleEndian);
  return out;
}

/** Interleaved samples with `stride` per pixel, of which the first `keep` are kept, scaled by 1/max. */
function fromSamples(
  samples: ArrayLike<number>,
  height: number,
  width: number,
  stride: number,
  keep: number,
  max: number,
  source: string,
): Image {
  const n = height * width;
  const data = new Float32Array(n * keep);
  const scale = 1 / max;
  if (stride === keep) {
    for (let i = 0; i < n * keep; i++) data[i] = samples[i]! * scale;
  } else {
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < keep; c++) data[p * keep + c] = samples[p * stride + c]! * scale;
    }
  }
  return { data, height, width, channels: keep, source };
}
