import { describe, expect, it } from 'vitest';
import { boundedJobs } from './ablate.js';

describe('ablate --jobs', () => {
  it('runs at most one variant per core, and says so when asked for more', () => {
    const lines: string[] = [];
    expect(boundedJobs(2, (l) => lines.push(l), 4)).toBe(2);
    expect(boundedJobs(4, (l) => lines.push(l), 4)).toBe(4);
    expect(lines).toEqual([]);
    expect(boundedJobs(16, (l) => lines.push(l), 4)).toBe(4);
    expect(lines).toEqual(['--jobs 16: this machine has 4 core(s); running 4 variant(s) at once']);
  });
});
