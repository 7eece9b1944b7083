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
 * Random crops from an in-memory pool: every patch position of every image
 * is equally likely (an image is drawn with probability proportional to its
 * number of positions, then a corner uniformly), and crops stay inside the
 * image (no padding, so every patch is real data).
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
  const cumulative = new Map<number, Float64Array>();
  const positionsUpTo = (patch: number) => {
    let c = cumulative.get(patch);
    if (!c) {
      c = new Float64Array(images.length);
      let total = 0;
      images.forEach((im, i) => {
        total += Math.max(0, im.height - patch + 1) * Math.max(0, im.width - patch + 1);
        c![i] = total;
      });
      cumulative.set(patch, c);
    }
    return c;
  };
  const pick = (rng: Rng, patch: number) => {
    const c = positionsUpTo(patch);
    const target = rng.uniform() * c[c.length - 1]!;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return images[lo]!;
  };
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
      const image = pick(rng, patch);
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
