import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './closest.js';

describe('editDistance', () => {
  it.each([
    ['lif', 'lif', 0],
    ['lfi', 'lif', 1], // one transposition
    ['lfi', 'if', 2],
    ['wsam', 'wasm', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  it('counts a transposition as one typo, and prefers a candidate of the same length on a tie', () => {
    expect(closestMatch('lfi', ['if', 'lif'])).toBe('lif');
    expect(closestMatch('lfi', ['alif', 'if', 'leaky', 'lif', 'plif'])).toBe('lif');
  });

  it('suggests nothing for a name far from every candidate', () => {
    expect(closestMatch('hodgkin-huxley', ['if', 'lif'])).toBeUndefined();
  });
});
