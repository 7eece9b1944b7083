import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Strategy } from '../contracts/strategy.js';
import { definePlugin } from '../plugin.js';
import { corePackage } from '../register.js';
import { createRegistry, type Registry } from '../registry/registry.js';
import { checkConfigPlugins } from './check-plugins.js';
import { loadExperimentConfig, parseExperimentConfig, parseRunConfig } from './load.js';
import { relativeConfigPaths } from './paths.js';
import { filePath, ref } from './ref.js';

const HKD = { name: 'lif', options: { threshold: 0.15, decayInput: false } };

const surrogate = (name: string) =>
  definePlugin({
    kind: 'surrogate',
    name,
    options: z.object({ alpha: z.number().positive().default(4) }),
    create: (o) => o,
  });
const lif = definePlugin({
  kind: 'neuron',
  name: 'lif',
  options: z.object({
    tau: z.number().gt(1).default(2),
    threshold: z.number().positive().default(1),
    decayInput: z.boolean().default(true),
    surrogate: ref('surrogate', 'sigmoid'),
  }),
  create: (o) => o,
});
const student = definePlugin({
  kind: 'backbone',
  name: 'student',
  options: z.object({ neuron: ref('neuron', HKD), width: z.number().int().default(4) }),
  create: (o) => o as never,
});
const fakeStrategy = (name: string, needsTeacher: (o: { hint: unknown }) => boolean) =>
  definePlugin({
    kind: 'strategy',
    name,
    options: z.object({
      hint: z
        .object({ weight: z.number().default(0.12), matcher: ref('hint', 'mse') })
        .nullable()
        .default(null),
    }),
    create: (o): Strategy =>
      ({ name, needsTeacher: needsTeacher(o), dispose() {} }) as unknown as Strategy,
  });
const data = definePlugin({
  kind: 'dataset',
  name: 'folder',
  options: z.object({
    train: filePath('folder', (v, has) => has('images', v)),
    test: z.array(filePath('folder', (v, has) => has('images', v))).default([]),
  }),
  create: (o) => o as never,
});
const preset = definePlugin({
  kind: 'images',
  name: 'Set12',
  options: z.object({}),
  create: () => ({}),
});
const mse = definePlugin({ kind: 'hint', name: 'mse', options: z.object({}), create: () => ({}) });
const empty = (kind: string, name: string) =>
  definePlugin({ kind, name, options: z.object({}), create: () => ({}) as never });

function registry(): Registry {
  return createRegistry({
    packages: [
      corePackage,
      {
        name: '@test/all',
        register: (r) => {
          for (const p of [
            surrogate('sigmoid'),
            surrogate('atan'),
            lif,
            student,
            data,
            preset,
            mse,
          ])
            r.register(p);
          r.register({ ...lif, name: 'plif' });
          for (const [kind, name] of [
            ['metric', 'psnr'],
            ['metric', 'ssim'],
          ])
            r.register(empty(kind!, name!));
          r.register(fakeStrategy('tna', (o) => o.hint !== null));
          r.register(fakeStrategy('none', () => false));
        },
      },
    ],
  });
}

const config = (extra: Record<string, unknown> = {}) =>
  parseExperimentConfig({
    data: { name: 'folder', options: { train: 'Set12' } },
    student: { name: 'student' },
    ...extra,
  });

describe('ref(kind)', () => {
  it('merges options given for the preset plugin over the preset', () => {
    const r = registry();
    const parsed = r.parseOptions('backbone', 'student', {
      neuron: { name: 'lif', options: { tau: 3 } },
    }) as { neuron: unknown };
    expect(parsed.neuron).toEqual({
      name: 'lif',
      options: { threshold: 0.15, decayInput: false, tau: 3 },
    });
    // The bare name is the preset itself; another plugin replaces it.
    expect(
      (r.parseOptions('backbone', 'student', { neuron: 'lif' }) as { neuron: unknown }).neuron,
    ).toEqual(HKD);
    expect(
      (r.parseOptions('backbone', 'student', { neuron: { name: 'plif' } }) as { neuron: unknown })
        .neuron,
    ).toEqual({ name: 'plif' });
  });

  it('names an unknown nested plugin with its config path and the closest match', () => {
    const r = registry();
    expect(() => r.parseOptions('backbone', 'student', { neuron: 'lfi' }, 'student')).toThrow(
      "Unknown neuron plugin 'lfi' at student.options.neuron. Did you mean 'lif'?",
    );
    expect(() =>
      r.parseOptions(
        'backbone',
        'student',
        { neuron: { name: 'lif', options: { surrogate: 'atn' } } },
        'student',
      ),
    ).toThrow("Unknown surrogate plugin 'atn' at student.options.neuron.options.surrogate");
  });

  it('refuses unknown keys at every depth instead of dropping them', () => {
    const r = registry();
    expect(() => r.parseOptions('strategy', 'tna', { hint: { wieght: 0.5 } }, 'strategy')).toThrow(
      "Invalid options at strategy.options: strategy 'tna': hint: unknown option 'wieght' (did you mean 'weight'?)",
    );
    expect(() =>
      r.parseOptions(
        'backbone',
        'student',
        { neuron: { name: 'lif', options: { tua: 2 } } },
        'student',
      ),
    ).toThrow(
      /student\.options\.neuron\.options: neuron 'lif': unknown option 'tua' \(did you mean 'tau'\?\)/,
    );
  });

  it('check: a nested matcher typo, a strategy without its teacher, a missing folder', () => {
    const r = registry();
    expect(() =>
      checkConfigPlugins(
        r,
        config({ strategy: { name: 'tna', options: { hint: { matcher: 'mes' } } } }),
      ),
    ).toThrow("Unknown hint plugin 'mes' at strategy.options.hint.matcher");
    expect(() =>
      checkConfigPlugins(r, config({ strategy: { name: 'tna', options: { hint: {} } } })),
    ).toThrow("strategy 'tna' needs a teacher");
    expect(() => checkConfigPlugins(r, config({ strategy: { name: 'tna' } }))).not.toThrow();
    expect(() =>
      checkConfigPlugins(
        r,
        config({ data: { name: 'folder', options: { train: '/no/such/folder' } } }),
      ),
    ).toThrow("data.options.train: '/no/such/folder' is not an existing folder");
    expect(() =>
      checkConfigPlugins(r, config({ student: { name: 'student', weights: '/no/weights.st' } })),
    ).toThrow("student.weights: '/no/weights.st' is not an existing file");
  });

  it('resolves paths written in a config file against its folder, presets and overrides left alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-cfg-'));
    mkdirSync(join(dir, 'configs', 'images'), { recursive: true });
    writeFileSync(join(dir, 'configs', 'w.safetensors'), '');
    const file = join(dir, 'configs', 'exp.yaml');
    writeFileSync(
      file,
      [
        'data: { name: folder, options: { train: images, test: [Set12, ./images] } }',
        'student: { name: student, weights: w.safetensors }',
        'output: out',
        'ablate: { data.options.train: [images, Set12] }',
      ].join('\n'),
    );
    const r = registry();
    const c = loadExperimentConfig(file, ['student.options.width=8'], r);
    expect(c.data.options).toEqual({
      train: join(dir, 'configs', 'images'),
      test: ['Set12', join(dir, 'configs', 'images')],
    });
    expect(c.student.weights).toBe(join(dir, 'configs', 'w.safetensors'));
    expect(c.output).toBe(join(dir, 'configs', 'out'));
    expect(c.ablate?.['data.options.train']).toEqual([join(dir, 'configs', 'images'), 'Set12']);
    expect(() => checkConfigPlugins(r, c)).not.toThrow();
  });

  it("records a run's paths relative to its folder, and reads them back there", () => {
    const r = registry();
    const c = config({
      data: { name: 'folder', options: { train: '/p/data/train', test: ['Set12', '/p/data'] } },
      student: { name: 'student', weights: '/p/runs/a/init.safetensors' },
      output: '/p/runs',
      plugins: ['@x/plugin', '/p/plugin.js'],
    });
    const recorded = relativeConfigPaths(r, c, '/p/runs/a') as typeof c;
    expect(recorded.data.options).toEqual({
      train: '../../data/train',
      test: ['Set12', '../../data'],
    });
    expect(recorded.student.weights).toBe('./init.safetensors');
    expect(recorded.output).toBe('..');
    expect(recorded.plugins).toEqual(['@x/plugin', '../../plugin.js']);
    // Nothing of /p is left, so the same run folder elsewhere (a clone at /q) reads back its own paths.
    expect(JSON.stringify(recorded)).not.toContain('/p/');
    const read = parseRunConfig(r, JSON.parse(JSON.stringify(recorded)), '/q/runs/a');
    expect(read.data.options).toEqual({ train: '/q/data/train', test: ['Set12', '/q/data'] });
    expect(read.student.weights).toBe('/q/runs/a/init.safetensors');
    expect(read.output).toBe('/q/runs');
    expect(read.plugins).toEqual(['@x/plugin', '/q/plugin.js']);
  });
});
