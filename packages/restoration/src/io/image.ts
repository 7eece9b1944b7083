import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { SpikedistillError, ShapeError, tf } from '@spikedistill/core';
import {
  encodePng,
  type Image,
  type ReadImageOptions,
  readImage,
} from '@spikedistill/plugins-datasets';
import UTIF from 'utif2';

/** An image as a [1, H, W, C] tensor in [0, 1] (the caller owns it). */
export function imageToTensor(image: Image): tf.Tensor4D {
  return tf.tensor4d(image.data, [1, image.height, image.width, image.channels]);
}

/** A [1, H, W, C] or [H, W, C] tensor as an Image (values copied, not clipped). */
export function tensorToImage(t: tf.Tensor, source?: string): Image {
  const s = t.shape;
  const hwc = s.length === 4 && s[0] === 1 ? s.slice(1) : s.length === 3 ? s : undefined;
  if (!hwc) throw new ShapeError('tensorToImage', '[1, H, W, C] or [H, W, C]', s);
  const [height, width, channels] = hwc as [number, number, number];
  return { data: Float32Array.from(t.dataSync()), height, width, channels, source };
}

/** Reads a PNG (1–16 bit, gray/RGB) or TIFF as a [1, H, W, C] tensor in [0, 1]. */
export async function readImageTensor(
  path: string,
  options: ReadImageOptions = {},
): Promise<tf.Tensor4D> {
  return imageToTensor(await readImage(path, options));
}

/** 8-bit RGBA TIFF bytes (utif2 writes RGBA only; gray is replicated into RGB). */
export function encodeTiff(image: Image): Uint8Array {
  const { width, height, channels, data } = image;
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`TIFF output needs 1 or 3 channels, got ${channels}`);
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) {
      const v = data[p * channels + (channels === 1 ? 0 : k)]!;
      rgba[p * 4 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
    rgba[p * 4 + 3] = 255;
  }
  return new Uint8Array(UTIF.encodeImage(rgba, width, height));
}

export interface WriteImageOptions {
  /** PNG only: 8 (default) or 16 bits per sample. */
  bitDepth?: 8 | 16;
}

/**
 * Writes a tensor or Image in [0, 1] (clipped, rounded) as PNG or TIFF,
 * chosen by the file extension, creating the folder if needed.
 */
export async function writeImage(
  path: string,
  image: tf.Tensor | Image,
  options: WriteImageOptions = {},
): Promise<void> {
  const img = image instanceof tf.Tensor ? tensorToImage(image, path) : image;
  const ext = extname(path).toLowerCase();
  let bytes: Uint8Array;
  try {
    if (ext === '.png') bytes = encodePng(img, options);
    else if (ext === '.tif' || ext === '.tiff') {
      if (options.bitDepth === 16) throw new RangeError('TIFF output is 8-bit only');
      bytes = encodeTiff(img);
    } else {
      throw new RangeError(`unsupported extension '${ext || '(none)'}'; use .png, .tif or .tiff`);
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  } catch (err) {
    throw new SpikedistillError('E_IO', `Cannot write image ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
