import { DatasetError } from '../errors.js';
import type { LabeledImages } from './labeled-images.js';

export const CIFAR_SIDE = 32;
export const CIFAR_RECORD = 1 + 3 * CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

/**
 * Decodes the CIFAR-10 binary format: records of 3073 bytes, a label byte
 * then 1024 red, 1024 green and 1024 blue bytes (rows of 32, top first).
 * The planes are interleaved to HWC here, once, so batching is a plain copy.
 */
export function decodeCifarRecords(bytes: Uint8Array, file: string, classes = 10): LabeledImages {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) {
    throw new DatasetError(
      `${file} is not in the CIFAR-10 binary format: its ${bytes.length} bytes are not a whole number of ${CIFAR_RECORD}-byte records.`,
    );
  }
  const count = bytes.length / CIFAR_RECORD;
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const pixels = new Uint8Array(count * plane * 3);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const at = r * CIFAR_RECORD;
    const label = bytes[at]!;
    if (label >= classes) {
      throw new DatasetError(
        `${file}: record ${r} has label ${label}; CIFAR-10 labels are 0..${classes - 1}.`,
      );
    }
    labels[r] = label;
    const out = r * plane * 3;
    for (let p = 0; p < plane; p++) {
      pixels[out + 3 * p] = bytes[at + 1 + p]!;
      pixels[out + 3 * p + 1] = bytes[at + 1 + plane + p]!;
      pixels[out + 3 * p + 2] = bytes[at + 1 + 2 * plane + p]!;
    }
  }
  return { pixels, labels, count, height: CIFAR_SIDE, width: CIFAR_SIDE, channels: 3 };
}

/** Encodes HWC images back to CIFAR records (for tests and for writing subsets). */
export function encodeCifarRecords(images: LabeledImages): Uint8Array {
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const out = new Uint8Array(images.count * CIFAR_RECORD);
  for (let r = 0; r < images.count; r++) {
    const at = r * CIFAR_RECORD;
    out[at] = images.labels[r]!;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++)
        out[at + 1 + c * plane + p] = images.pixels[(r * plane + p) * 3 + c]!;
    }
  }
  return out;
}

export function concatLabeled(parts: readonly LabeledImages[]): LabeledImages {
  const first = parts[0]!;
  const count = parts.reduce((n, p) => n + p.count, 0);
  const pixels = new Uint8Array(parts.reduce((n, p) => n + p.pixels.length, 0));
  const labels = new Uint8Array(count);
  let po = 0;
  let lo = 0;
  for (const p of parts) {
    pixels.set(p.pixels, po);
    labels.set(p.labels, lo);
    po += p.pixels.length;
    lo += p.count;
  }
  return { ...first, pixels, labels, count };
}
