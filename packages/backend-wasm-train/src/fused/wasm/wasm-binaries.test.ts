import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fusedSurrogateNames, surrogateGrad } from '../surrogates.js';

describe('the committed WebAssembly binaries', () => {
  it('are what lif.wat (with the surrogate ids of surrogate-ids.json) and batch-norm.wat assemble to', () => {
    const script = fileURLToPath(new URL('./build-wasm.mjs', import.meta.url));
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(out).toContain('lif-wasm-binary.ts matches lif.wat');
    expect(out).toContain('batch-norm-wasm-binary.ts matches batch-norm.wat');
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
