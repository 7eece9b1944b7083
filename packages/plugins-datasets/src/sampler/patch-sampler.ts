import type { Rng } from '@spikedistill/core';
import { DatasetError } from '../errors.js';
import type { Image } from '../image/image.js';
import { DIHEDRAL_COUNT, dihedralStrides } from './dihedral.js';

/** Writes one square `patch`×`patch` HWC patch into `out` at `offset`, drawing from `rng`. */
export interface PatchSampler {
  readonly channels: number;
  fill(rng: Rng, out: Float32Array, offset: number, patch: number): void;
}

export interface PoolSamplerOptions {
  /** Apply one of the 8 flips/rotations, uniformly at random. */
  augment: boolean;
}

/**
 * Random crops of random images from an in-memory pool: the image is drawn
 * uniformly, then a top-left corner uniformly among those that keep the
 * crop inside the image (no padding, so every patch is real data).
 */
export function poolSampler(
  images: readonly Image[],
  options: PoolSamplerOptions,
): PatchSampler & {
  check(patch: number): void;
} {
  if (images.length === 0)
    throw new DatasetError('The training pool is empty: no images to sample patches from.');
  const channels = images[0]!.channels;
  const strides = new Map<string, ReturnType<typeof dihedralStrides>>();
  const stridesOf = (k: number, patch: number, image: Image) => {
    const key = `${k}:${patch}:${image.width}`;
    let s = strides.get(key);
    if (!s) {
      s = dihedralStrides(k, patch, patch, image.width * channels, channels);
      strides.set(key, s);
    }
    return s;
  };
  return {
    channels,
    check(patch) {
      const small = images.find((im) => im.height < patch || im.width < patch);
      if (small) {
        throw new DatasetError(
          `Image ${small.source ?? '(unnamed)'} is ${small.width}x${small.height}, smaller than the ${patch}x${patch} training patch. ` +
            'Use a smaller patch, or leave such images out of the training set.',
        );
      }
    },
    fill(rng, out, offset, patch) {
      const image = images[rng.int(0, images.length)]!;
      const top = rng.int(0, image.height - patch + 1);
      const left = rng.int(0, image.width - patch + 1);
      const k = options.augment ? rng.int(0, DIHEDRAL_COUNT) : 0;
      const { start, dy, dx } = stridesOf(k, patch, image);
      const src = image.data;
      const base = (top * image.width + left) * channels + start;
      let o = offset;
      for (let y = 0; y < patch; y++) {
        let s = base + y * dy;
        for (let x = 0; x < patch; x++, s += dx) {
          for (let c = 0; c < channels; c++) out[o++] = src[s + c]!;
        }
      }
    },
  };
}
