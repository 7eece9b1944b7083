import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandAblation } from './ablate.js';
import { applyOverrides, setPath } from './dotted-path.js';
import { loadExperimentConfig, parseExperimentConfig } from './load.js';

const base = {
  data: { name: 'procedural-denoise' },
  student: { name: 'spiking-unet' },
};

describe('expandAblation', () => {
  it('gives references to one plugin with different options distinct labels and folders', () => {
    const variants = expandAblation(
      parseExperimentConfig({
        ...base,
        ablate: {
          strategy: [
            { name: 'none' },
            { name: 'hint', options: { layers: [['dec1', 'q4']] } },
            { name: 'tna' },
            { name: 'tna', options: { hint: { layers: [['dec1', 'q4']] } } },
          ],
          'student.options.timesteps': [2, 4],
        },
      }),
    );
    expect(variants).toHaveLength(8);
    expect(new Set(variants.map((v) => v.label)).size).toBe(8);
    expect(new Set(variants.map((v) => v.dir)).size).toBe(8);
    expect(new Set(variants.map((v) => v.id)).size).toBe(8);
    const tna = variants.filter((v) => v.label.startsWith('strategy=tna'));
    expect(tna.map((v) => v.label)).toEqual([
      'strategy=tna(hint.layers=-),student.options.timesteps=2',
      'strategy=tna(hint.layers=-),student.options.timesteps=4',
      'strategy=tna(hint.layers=[["dec1","q4"]]),student.options.timesteps=2',
      'strategy=tna(hint.layers=[["dec1","q4"]]),student.options.timesteps=4',
    ]);
    // A lone reference keeps its short label.
    expect(variants[0]!.label).toBe('strategy=none,student.options.timesteps=2');
  });

  it('gives each seed its own config and identity', () => {
    const variants = expandAblation(parseExperimentConfig({ ...base, ablate: { seed: [1, 2] } }));
    expect(variants.map((v) => v.config.seed)).toEqual([1, 2]);
    expect(variants[0]!.id).not.toBe(variants[1]!.id);
  });

  it('refuses a value listed twice, and labels whose folders would collide', () => {
    expect(() =>
      expandAblation(parseExperimentConfig({ ...base, ablate: { seed: [1, 1] } })),
    ).toThrow('ablate.seed: the value 1 is listed twice');
    expect(() =>
      expandAblation(
        parseExperimentConfig({
          ...base,
          ablate: { 'student.options.tag': ['a b', 'a/b'] },
        }),
      ),
    ).toThrow(/would share the folder 'student.options.tag=a_b'/);
  });

  it('refuses to sweep what is set up once per ablation (backend, plugins): it would not sweep', () => {
    for (const [path, values] of [
      ['backend', ['wasm', 'cpu']],
      ['backend.options.threads', [1, 2]],
      ['plugins', [[], ['./p.js']]],
    ] as const) {
      expect(() =>
        expandAblation(parseExperimentConfig({ ...base, ablate: { [path]: values } })),
      ).toThrow(new RegExp(`ablate\\.${path.replace(/\./g, '\\.')}: .* cannot be swept`));
    }
  });

  it('every shipped example expands to unique folders', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', '..', 'examples', 'configs');
    const variants = expandAblation(loadExperimentConfig(join(dir, 'ablation-strategies.yaml')));
    expect(new Set(variants.map((v) => v.dir)).size).toBe(variants.length);
  });
});

describe('config paths cannot reach prototypes', () => {
  it('refuses __proto__, constructor and prototype in --set and ablate paths', () => {
    for (const path of ['__proto__.polluted', 'a.constructor.prototype.x', 'train.__proto__']) {
      expect(() => applyOverrides({}, [`${path}=1`])).toThrow(/is not a config field/);
    }
    expect(() =>
      expandAblation(parseExperimentConfig({ ...base, ablate: { '__proto__.polluted': [1] } })),
    ).toThrow(/is not a config field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(setPath({ a: {} }, 'a.b', 1)).toEqual({ a: { b: 1 } });
  });

  it('refuses such keys inside a config file, and a run name that is not a folder name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-proto-'));
    const file = join(dir, 'c.json');
    writeFileSync(
      file,
      `{"data": {"name": "x", "__proto__": {"polluted": 1}}, "student": {"name": "s"}}`,
    );
    expect(() => loadExperimentConfig(file)).toThrow("data.__proto__: '__proto__' is not allowed");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => parseExperimentConfig({ ...base, name: '../../x' })).toThrow(
      /a run name is a folder name/,
    );
  });
});
