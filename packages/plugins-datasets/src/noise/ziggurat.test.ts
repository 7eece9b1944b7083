import { Rng } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { addNormal, zigguratNormal } from './ziggurat.js';

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    t *
      (0.254829592 +
        t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe('ziggurat normal sampler', () => {
  const N = 1_000_000;
  const draws = addNormal(new Float32Array(N), 1, new Rng(123), new Float32Array(N));

  it('matches the normal CDF (Kolmogorov–Smirnov distance below the 1% critical value)', () => {
    const sorted = Float64Array.from(draws).sort();
    let d = 0;
    for (let i = 0; i < N; i += 7)
      d = Math.max(d, Math.abs(phi(sorted[i]!) - i / N), Math.abs(phi(sorted[i]!) - (i + 1) / N));
    expect(d).toBeLessThan(1.63 / Math.sqrt(N));
  });

  it('has the right tails beyond the base strip (|z| > 3.44) and moments', () => {
    let tail = 0;
    let sum = 0;
    let sq = 0;
    let fourth = 0;
    for (const z of draws) {
      if (Math.abs(z) > 3.442619855899) tail++;
      sum += z;
      sq += z * z;
      fourth += z ** 4;
    }
    const expectedTail = 2 * (1 - phi(3.442619855899)) * N; // ≈ 576
    expect(Math.abs(tail - expectedTail)).toBeLessThan(4 * Math.sqrt(expectedTail));
    expect(Math.abs(sum / N)).toBeLessThan(0.005);
    expect(Math.abs(sq / N - 1)).toBeLessThan(0.01);
    expect(Math.abs(fourth / N - 3)).toBeLessThan(0.05);
  });

  it('single draws agree in distribution and are seeded', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const xs = Array.from({ length: 1000 }, () => zigguratNormal(a));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => zigguratNormal(b)));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(m)).toBeLessThan(0.15);
  });
});
