import type { Backbone, ForwardOptions, ForwardResult, TapInfo } from '../contracts/backbone.js';
import type { Batch, EvalSet, TrainingData } from '../contracts/dataset.js';
import type { Loss, Metric } from '../contracts/loss.js';

import { Module } from '../nn/module.js';
import { Rng } from '../rng.js';
import { tf } from '../tf.js';

/** A one-conv residual denoiser: the smallest Backbone that can learn. */
export class TinyDenoiser extends Module implements Backbone {
  readonly inputChannels = 1;
  readonly outputChannels = 1;
  readonly spiking = false;
  readonly timesteps = 1;
  readonly sizeMultiple = 1;
  readonly tapInfo: TapInfo[] = [{ name: 'feat', channels: 4, scale: 1, temporal: false }];
  readonly w1: tf.Variable<tf.Rank.R4>;
  readonly w2: tf.Variable<tf.Rank.R4>;
  constructor(rng: Rng) {
    super();
    this.w1 = this.param(
      'w1',
      tf.tensor4d(rng.fillNormal(new Float32Array(9 * 4), 0, 0.1), [3, 3, 1, 4]),
    );
    this.w2 = this.param(
      'w2',
      tf.tensor4d(rng.fillNormal(new Float32Array(9 * 4), 0, 0.1), [3, 3, 4, 1]),
    );
  }
  forward(x: tf.Tensor, options: ForwardOptions = {}): ForwardResult {
    const feat = tf.relu(tf.conv2d(x as tf.Tensor4D, this.w1, 1, 'same'));
    const output = tf.sub(x, tf.conv2d(feat, this.w2, 1, 'same'));
    return { output, taps: options.taps?.includes('feat') ? { feat } : {} };
  }
}

/** Smooth random images plus Gaussian noise; batch k is a function of (seed, k), so `seek` is exact. */
export class NoisySmoothImages implements TrainingData {
  readonly task = 'restoration' as const;
  readonly channels = 1;
  private drawn = 0;
  constructor(
    private readonly seed: number,
    private readonly size = 16,
    private readonly sigma = 0.1,
  ) {}
  private pair(rng: Rng, n: number): { clean: Float32Array; noisy: Float32Array } {
    const s = this.size;
    const clean = new Float32Array(n * s * s);
    for (let i = 0; i < n; i++) {
      const [a, b, c] = [rng.uniform(), rng.uniform() * 0.5, rng.uniform() * 6];
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++)
          clean[i * s * s + y * s + x] = 0.25 + 0.5 * a + b * Math.sin((c * (x + y)) / s);
    }
    const noisy = clean.map((v) => v + this.sigma * rng.normal());
    return { clean, noisy };
  }
  async nextBatch(n: number): Promise<Batch> {
    const { clean, noisy } = this.pair(new Rng(this.seed).fork(`batch${this.drawn++}`), n);
    const shape: [number, number, number, number] = [n, this.size, this.size, 1];
    return { input: tf.tensor4d(noisy, shape), target: tf.tensor4d(clean, shape) };
  }
  seek(batches: number): void {
    this.drawn = batches;
  }
  evalSets(): EvalSet[] {
    const self = this;
    return [
      {
        name: 'heldout',
        size: 2,
        async *items() {
          const { clean, noisy } = self.pair(new Rng(self.seed + 1000), 2);
          const s = self.size * self.size;
          for (let i = 0; i < 2; i++) {
            const shape: [number, number, number, number] = [1, self.size, self.size, 1];
            yield {
              name: `img${i}`,
              input: tf.tensor4d(noisy.slice(i * s, (i + 1) * s), shape),
              target: tf.tensor4d(clean.slice(i * s, (i + 1) * s), shape),
            };
          }
        },
      },
    ];
  }
}

export const l1: Loss = {
  name: 'l1',
  weight: 1,
  compute: (p, t) => tf.mean(tf.abs(tf.sub(p, t))) as tf.Scalar,
};

/** PSNR on [0, 1] data without 8-bit rounding: enough to see improvement. */
export const psnr: Metric = {
  name: 'psnr',
  higherIsBetter: true,
  compute: (p, t) => {
    const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(p, t))).dataSync()[0]!);
    return 10 * Math.log10(1 / mse);
  },
};
