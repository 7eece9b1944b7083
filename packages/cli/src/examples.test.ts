import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkConfigPlugins,
  expandAblation,
  loadExperimentConfig,
  loadTeacherEvalConfig,
} from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { createFullRegistry } from './packages.js';

const examples = resolve(import.meta.dirname, '../../../examples');
const dir = join(examples, 'configs');

describe('example configs', () => {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$|\.json$/.test(f));
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(`${file} names only registered plugins with valid options, in every variant`, () => {
      const config = loadExperimentConfig(join(dir, file));
      const registry = createFullRegistry(config.seed);
      for (const variant of expandAblation(config)) checkConfigPlugins(registry, variant.config);
    });
  }

  it('a partial neuron reference keeps the H-KD preset (the flagship resolves to decayInput: false)', () => {
    const config = loadExperimentConfig(join(dir, 'denoise-bsd68-hint.yaml'));
    const registry = createFullRegistry(config.seed);
    const options = registry.parseOptions(
      'backbone',
      config.student.name,
      config.student.options,
    ) as {
      neuron: unknown;
    };
    expect(options.neuron).toEqual({
      name: 'lif',
      options: { tau: 2, threshold: 0.15, vReset: 0, decayInput: false, surrogate: 'sigmoid' },
    });
  });
});

// The published experiments: each config (every variant) and its teacher-only
// evaluation config name registered plugins with valid options.
describe('example experiments', () => {
  const teacherOnly = new Set(['dncnn-teacher/teacher.yaml']);
  const trainsItsTeacher = new Set(['tna-classification']);
  for (const folder of ['dncnn-teacher', 'tna-classification']) {
    const files = readdirSync(join(examples, folder)).filter((f) => /\.ya?ml$/.test(f));
    for (const file of files) {
      const path = join(examples, folder, file);
      it(`${folder}/${file} is valid in every variant`, () => {
        if (teacherOnly.has(`${folder}/${file}`)) {
          const config = loadTeacherEvalConfig(path);
          checkConfigPlugins(createFullRegistry(config.seed), config, { purpose: 'eval-teacher' });
          return;
        }
        const config = loadExperimentConfig(path);
        const registry = createFullRegistry(config.seed);
        const variants = expandAblation(config);
        expect(variants.length).toBeGreaterThan(0);
        // tna-classification's teacher is trained by its teacher.yaml (into
        // runs/), so its weights exist only once that has run; every other
        // file a config names must exist (dncnn-teacher: ../shared/teachers).
        const files = !trainsItsTeacher.has(folder);
        for (const variant of variants) checkConfigPlugins(registry, variant.config, { files });
      });
    }
  }
});

it('dncnn-teacher/small.yaml: the six strategies read as what they are, in their own folders', () => {
  const config = loadExperimentConfig(join(examples, 'dncnn-teacher', 'small.yaml'));
  const strategies = expandAblation(config)
    .filter((v) => v.config.seed === 1)
    .map((v) => v.dir.replace(/^strategy=/, '').replace(/,seed=1$/, ''));
  expect(strategies).toEqual(['none', 'hint', 'output-kd', 'hint+output-kd', 'tna', 'tna+hint']);
});
