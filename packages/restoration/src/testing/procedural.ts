import { type Rng, tf } from '@spikedistill/core';

/**
 * Simple clean patches for training tests: a smooth random gradient plus a
 * few flat discs (edges to preserve), values in [0, 1]. Written here so the
 * package's tests need no data set.
 */
export function proceduralPatches(rng: Rng, count: number, size: number): Float32Array {
  const out = new Float32Array(count * size * size);
  for (let p = 0; p < count; p++) {
    const base = 0.2 + 0.6 * rng.uniform();
    const gx = (rng.uniform() - 0.5) * 0.6;
    const gy = (rng.uniform() - 0.5) * 0.6;
    const discs = Array.from({ length: 1 + rng.int(0, 3) }, () => ({
      cx: rng.uniform() * size,
      cy: rng.uniform() * size,
      r: size * (0.15 + 0.3 * rng.uniform()),
      v: rng.uniform(),
    }));
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let v = base + gx * (x / size - 0.5) + gy * (y / size - 0.5);
        for (const d of discs) if ((x - d.cx) ** 2 + (y - d.cy) ** 2 < d.r ** 2) v = d.v;
        out[p * size * size + y * size + x] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return out;
}

/** A clean/noisy batch with AWGN of σ (on the [0, 255] scale). */
export function noisyBatch(
  rng: Rng,
  count: number,
  size: number,
  sigma: number,
): { clean: tf.Tensor4D; noisy: tf.Tensor4D } {
  const clean = proceduralPatches(rng, count, size);
  const noise = rng.fillNormal(new Float32Array(clean.length), 0, sigma / 255);
  const noisy = clean.map((v, i) => v + noise[i]!);
  return {
    clean: tf.tensor4d(clean, [count, size, size, 1]),
    noisy: tf.tensor4d(noisy, [count, size, size, 1]),
  };
}
