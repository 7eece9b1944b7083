import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fusedSurrogateNames, surrogateGrad } from '../surrogates.js';

describe('lif-wasm-binary.ts', () => {
  it('is what lif.wat assembles to, with the surrogate ids of surrogate-ids.json', () => {
    const script = fileURLToPath(new URL('./build-lif-wasm.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(out).toContain('matches');
  });

  it('numbers exactly the surrogates the JavaScript loops implement, each once', () => {
    expect(new Set(fusedSurrogateNames).size).toBe(fusedSurrogateNames.length);
    for (const name of fusedSurrogateNames) {
      expect(surrogateGrad(name, 1)(0), name).toBeGreaterThan(0);
    }
    expect([...fusedSurrogateNames].sort()).toEqual(
      ['atan', 'fast-sigmoid', 'rect', 'sigmoid', 'triangle'].sort(),
    );
  });
});
