import { Rng } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { makeRegistry } from '../testing/fixtures.js';
import { poisson } from './poisson.js';

function moments(values: ArrayLike<number>) {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (values.length - 1)) };
}

const N = 1_000_000;
const registry = makeRegistry();

describe('noise models', () => {
  for (const sigma of [15, 25, 50]) {
    it(`awgn σ=${sigma}: empirical σ within 1%, zero mean, on the [0, 255] scale`, () => {
      const noise = registry.create('noise', 'awgn', { sigma });
      const clean = new Float32Array(N).fill(0.5);
      const noisy = noise.apply(clean, new Rng(sigma));
      const diff = noisy.map((v, i) => (v - clean[i]!) * 255);
      const { mean, std } = moments(diff);
      expect(Math.abs(std / sigma - 1)).toBeLessThan(0.01);
      expect(Math.abs(mean)).toBeLessThan((4 * sigma) / Math.sqrt(N));
    });
  }

  it('awgn clip keeps values in [0, 1]; without it they leave the range', () => {
    const clean = new Float32Array(10_000).fill(0.02);
    const clipped = registry
      .create('noise', 'awgn', { sigma: 50, clip: true })
      .apply(clean, new Rng(1));
    expect(Math.min(...clipped)).toBe(0);
    const raw = registry.create('noise', 'awgn', { sigma: 50 }).apply(clean, new Rng(1));
    expect(Math.min(...raw)).toBeLessThan(0);
  });

  it('same seed, same noisy bytes; another seed, other bytes', () => {
    const noise = registry.create('noise', 'awgn', { sigma: 25 });
    const clean = new Float32Array(1000).fill(0.3);
    const a = noise.apply(clean, new Rng(7));
    const b = noise.apply(clean, new Rng(7));
    const c = noise.apply(clean, new Rng(8));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('awgn-blind draws σ per image uniformly in [min, max]', () => {
    const noise = registry.create('noise', 'awgn-blind', { min: 10, max: 40 });
    const rng = new Rng(3);
    const clean = new Float32Array(20_000).fill(0.5);
    const sigmas: number[] = [];
    for (let i = 0; i < 200; i++)
      sigmas.push(moments(noise.apply(clean, rng).map((v) => (v - 0.5) * 255)).std);
    expect(Math.min(...sigmas)).toBeGreaterThan(9.5);
    expect(Math.max(...sigmas)).toBeLessThan(40.5);
    // Uniform on [10, 40]: mean 25, std 30/√12 ≈ 8.66.
    const { mean, std } = moments(sigmas);
    expect(mean).toBeGreaterThan(23);
    expect(mean).toBeLessThan(27);
    expect(std).toBeGreaterThan(7.5);
    expect(std).toBeLessThan(9.8);
    expect(() => registry.create('noise', 'awgn-blind', { min: 30, max: 20 })).toThrow(
      /min must not exceed max/,
    );
  });

  for (const lambda of [0.5, 4, 10, 37.5, 400]) {
    it(`poisson(λ=${lambda}) has mean and variance λ (within 1%)`, () => {
      const rng = new Rng(Math.round(lambda * 10));
      const draws = new Float64Array(400_000);
      for (let i = 0; i < draws.length; i++) draws[i] = poisson(lambda, rng);
      const { mean, std } = moments(draws);
      expect(Math.abs(mean / lambda - 1)).toBeLessThan(0.01);
      expect(Math.abs((std * std) / lambda - 1)).toBeLessThan(0.015);
      expect(draws.every(Number.isInteger)).toBe(true);
    });
  }

  for (const x of [0.1, 0.5, 0.9]) {
    it(`poisson-gaussian at x=${x}: mean x, σ = √(x/peak + (σ/255)²) within 1%`, () => {
      const peak = 30;
      const sigma = 5;
      const noise = registry.create('noise', 'poisson-gaussian', { peak, sigma });
      const noisy = noise.apply(new Float32Array(N).fill(x), new Rng(11));
      const { mean, std } = moments(noisy);
      const want = Math.sqrt(x / peak + (sigma / 255) ** 2);
      expect(Math.abs(std / want - 1)).toBeLessThan(0.01);
      expect(Math.abs(mean - x)).toBeLessThan((4 * want) / Math.sqrt(N));
    });
  }
});
