import { definePlugin, Rng } from '@spikedistill/core';
import { z } from 'zod';
import { seedFrom } from '../datasets/refs.js';
import { CIFAR_SIDE } from './cifar-format.js';
import { type ClassificationData, createClassificationData } from './classification-data.js';
import type { LabeledImages } from './labeled-images.js';

/**
 * Class c is an oriented grating (angle π·c/classes, its own frequency) in
 * its own hue, placed with a random phase, contrast and brightness, plus a
 * random distractor blob and pixel noise. Small nets learn it in a few
 * hundred steps, and a net that fails to learn stays at chance, so tests of
 * classification training can fail for the right reasons.
 */
export function syntheticClassImages(
  count: number,
  classes: number,
  noise: number,
  rng: Rng,
): LabeledImages {
  const s = CIFAR_SIDE;
  const pixels = new Uint8Array(count * s * s * 3);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const c = n % classes;
    labels[n] = c;
    const angle = (Math.PI * c) / classes;
    const freq = 2 * Math.PI * (0.08 + 0.05 * (c % 3));
    const hue = (2 * Math.PI * c) / classes;
    const tint = [
      Math.cos(hue),
      Math.cos(hue - (2 * Math.PI) / 3),
      Math.cos(hue + (2 * Math.PI) / 3),
    ];
    const phase = 2 * Math.PI * rng.uniform();
    const contrast = 0.2 + 0.15 * rng.uniform();
    const bright = 0.35 + 0.3 * rng.uniform();
    const by = rng.uniform() * s;
    const bx = rng.uniform() * s;
    const br = 3 + 5 * rng.uniform();
    const bv = rng.uniform();
    const fy = freq * Math.sin(angle);
    const fx = freq * Math.cos(angle);
    for (let y = 0; y < s; y++) {
      for (let x = 0; x < s; x++) {
        const g = Math.sin(fy * y + fx * x + phase);
        const inBlob = (y - by) ** 2 + (x - bx) ** 2 < br * br;
        for (let k = 0; k < 3; k++) {
          const v = inBlob ? bv : bright + contrast * g + 0.12 * tint[k]!;
          const q = Math.round(255 * (v + noise * rng.normal()));
          pixels[((n * s + y) * s + x) * 3 + k] = q < 0 ? 0 : Math.min(q, 255);
        }
      }
    }
  }
  // Interleaved classes would make every batch balanced by construction; shuffle the order.
  const order = rng.shuffle(Array.from({ length: count }, (_, i) => i));
  const per = s * s * 3;
  const shuffled = new Uint8Array(pixels.length);
  const shuffledLabels = new Uint8Array(count);
  order.forEach((from, to) => {
    shuffled.set(pixels.subarray(from * per, (from + 1) * per), to * per);
    shuffledLabels[to] = labels[from]!;
  });
  return { pixels: shuffled, labels: shuffledLabels, count, height: s, width: s, channels: 3 };
}

export const cifar10Synthetic = definePlugin({
  kind: 'dataset',
  name: 'cifar10-synthetic',
  description:
    'A tiny, file-free, class-structured stand-in for CIFAR-10 (32x32 RGB, integer labels)',
  options: z.object({
    trainSize: z.number().int().positive().default(512),
    testSize: z.number().int().positive().default(128),
    classes: z.number().int().min(2).max(256).default(10),
    pixelNoise: z.number().min(0).max(1).default(0.08).describe('Pixel noise std, [0, 1] scale'),
    augment: z
      .boolean()
      .default(true)
      .describe('Random crop (4-pixel zero padding) and horizontal flip'),
    seed: z.number().int().optional().describe('Seed of the training stream'),
    dataSeed: z
      .number()
      .int()
      .default(0)
      .describe('Seed of the generated images (fixed, so the set is the same in every run)'),
    prefetch: z.number().int().min(0).default(2),
    evalBatch: z.number().int().positive().default(128),
  }),
  create: (o, ctx): ClassificationData => {
    const rng = new Rng(o.dataSeed);
    const train = syntheticClassImages(o.trainSize, o.classes, o.pixelNoise, rng.fork('train'));
    const test = syntheticClassImages(o.testSize, o.classes, o.pixelNoise, rng.fork('test'));
    return createClassificationData({
      name: 'cifar10-synthetic',
      classNames: Array.from({ length: o.classes }, (_, i) => `class${i}`),
      channels: 3,
      trainSize: o.trainSize,
      testSize: o.testSize,
      data: Promise.resolve({ train, test }),
      seed: seedFrom(ctx, o.seed, 'train'),
      augment: o.augment,
      prefetch: o.prefetch,
      evalBatch: o.evalBatch,
    });
  },
});
