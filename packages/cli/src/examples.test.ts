import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkConfigPlugins, expandAblation, loadExperimentConfig } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { createFullRegistry } from './packages.js';

const dir = resolve(import.meta.dirname, '../../../examples/configs');

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
