import { describe, expect, it } from 'vitest';
import { Prefetcher } from './prefetcher.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Prefetcher', () => {
  it('prepares items ahead and hands them out in order', async () => {
    const made: string[] = [];
    const p = new Prefetcher((i, n) => {
      made.push(`${i}/${n}`);
      return `${i}/${n}`;
    }, 2);
    expect(await p.take(4)).toBe('0/4');
    for (let t = 0; t < 5; t++) await tick();
    expect(made).toEqual(['0/4', '1/4', '2/4']);
    expect(await p.take(4)).toBe('1/4');
    expect(await p.take(4)).toBe('2/4');
  });

  it('gives the same sequence at any depth, and redoes work when the size changes', async () => {
    const run = async (depth: number) => {
      const p = new Prefetcher((i, n) => `${i}/${n}`, depth);
      const out = [];
      for (const n of [2, 2, 3, 3, 2]) {
        out.push(await p.take(n));
        await tick();
      }
      return out;
    };
    const expected = ['0/2', '1/2', '2/3', '3/3', '4/2'];
    expect(await run(0)).toEqual(expected);
    expect(await run(3)).toEqual(expected);
  });

  it('seek(k) continues at item k, dropping what was prefetched (exact resume)', async () => {
    const p = new Prefetcher((i, n) => `${i}/${n}`, 2);
    expect(await p.take(2)).toBe('0/2');
    for (let t = 0; t < 5; t++) await tick();
    p.seek(7);
    expect(p.position).toBe(7);
    expect(await p.take(2)).toBe('7/2');
    await tick();
    expect(await p.take(2)).toBe('8/2');
    expect(() => p.seek(-1)).toThrow(RangeError);
  });

  it('reports production errors on take and waits for readiness', async () => {
    let ready!: () => void;
    const gate = new Promise<void>((r) => {
      ready = r;
    });
    const p = new Prefetcher(
      (i) => {
        if (i === 1) throw new Error('bad item');
        return i;
      },
      2,
      gate,
    );
    const first = p.take(1);
    ready();
    expect(await first).toBe(0);
    await tick();
    await expect(p.take(1)).rejects.toThrow('bad item');
    p.close();
    await expect(p.take(1)).rejects.toThrow(/closed/);
  });
});
