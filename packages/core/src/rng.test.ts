import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = new Rng(42).fillUniform(new Float32Array(8));
    const b = new Rng(42).fillUniform(new Float32Array(8));
    const c = new Rng(43).fillUniform(new Float32Array(8));
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });

  it('forks independent, reproducible streams by label', () => {
    const r = new Rng(1);
    expect(r.fork('init').uniform()).toBe(new Rng(1).fork('init').uniform());
    expect(r.fork('init').uniform()).not.toBe(r.fork('noise').uniform());
  });

  it('draws uniform in [0,1) and standard normals with the right moments', () => {
    const r = new Rng(7);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = r.normal();
      sum += z;
      sq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(sq / n) - 1)).toBeLessThan(0.01);
  });

  it('draws integers in [lo, hi) covering the range, and shuffles to a permutation', () => {
    const r = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(2, 6));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
    const items = [...Array(20).keys()];
    const shuffled = r.shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });

  it('rejects non-integer seeds', () => {
    expect(() => new Rng(1.5)).toThrow(/integer/);
  });
});
