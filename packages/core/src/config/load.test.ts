import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { expandAblation } from './ablate.js';
import { applyOverrides, getPath, setPath } from './dotted-path.js';
import { loadExperimentConfig, parseConfigText, parseExperimentConfig } from './load.js';

const yamlText = `
seed: 3
data: { name: procedural-denoise, options: { sigma: 25, patch: 48 } }
student:
  name: spiking-unet
  options: { width: 16, timesteps: 4, neuron: { name: lif, options: { tau: 2, threshold: 0.15 } } }
strategy: { name: hint, options: { weight: 0.12 } }
loss: [ { name: l1 }, { name: fft, options: { weight: 0.1 } } ]
train: { steps: 20, batch: 2 }
ablate: { strategy.name: [none, hint], student.options.timesteps: [1, 4] }
`;

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sd-config-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('experiment config loading', () => {
  it('reads YAML and fills defaults', () => {
    const config = loadExperimentConfig(tempFile('e.yaml', yamlText));
    expect(config.seed).toBe(3);
    expect(config.student.options?.timesteps).toBe(4);
    expect(config.train).toMatchObject({ steps: 20, batch: 2, lr: 2e-4 });
    expect(config.metrics).toEqual([{ name: 'psnr' }, { name: 'ssim' }]);
    expect(config.backend).toBe('auto');
  });

  it('resolves weights paths against the config file, not the working directory', () => {
    const path = tempFile(
      'w.yaml',
      `${yamlText}\nteacher: { name: dncnn, weights: ../t/dncnn.safetensors }\n`,
    );
    const config = loadExperimentConfig(path);
    expect(config.teacher?.weights).toBe(join(path, '..', '..', 't', 'dncnn.safetensors'));
    const overridden = loadExperimentConfig(path, ['teacher.weights=/abs/x.safetensors']);
    expect(overridden.teacher?.weights).toBe('/abs/x.safetensors');
  });

  it('reads the same config from JSON', () => {
    const asJson = JSON.stringify(parseConfigText(yamlText, 'yaml', 'inline'));
    const fromJson = loadExperimentConfig(tempFile('e.json', asJson));
    expect(fromJson).toEqual(loadExperimentConfig(tempFile('e.yml', yamlText)));
  });

  it('applies --set overrides as typed YAML values, creating missing objects', () => {
    const config = loadExperimentConfig(tempFile('e.yaml', yamlText), [
      'student.options.timesteps=2',
      'train.lr=1e-3',
      'data.options.test=[Set12, BSD68]',
      'teacher.name=dncnn',
      'loss.1.options.weight=0.5',
    ]);
    expect(config.student.options?.timesteps).toBe(2);
    expect(config.train.lr).toBe(0.001);
    expect(config.data.options?.test).toEqual(['Set12', 'BSD68']);
    expect(config.teacher).toEqual({ name: 'dncnn' });
    expect(config.loss[1]?.options?.weight).toBe(0.5);
  });

  it('rejects malformed overrides and paths through non-objects', () => {
    expect(() => applyOverrides({}, ['no-equals-sign'])).toThrow(/expected path=value/);
    expect(() => setPath({ a: 1 }, 'a.b', 2)).toThrow(/'a' is 1, not an object/);
    expect(() => setPath({ l: [1] }, 'l.4', 2)).toThrow(/list of 1, '4' is not an index/);
    expect(getPath({ a: [{ b: 5 }] }, 'a.0.b')).toBe(5);
  });

  it('reads a plugin reference written as a name as { name } when a path goes into it', () => {
    expect(setPath({ backend: 'wasm' }, 'backend.options.threads', 1)).toEqual({
      backend: { name: 'wasm', options: { threads: 1 } },
    });
    expect(setPath({ loss: ['l1'] }, 'loss.0.options.weight', 2)).toEqual({
      loss: [{ name: 'l1', options: { weight: 2 } }],
    });
    expect(setPath({ backend: 'wasm' }, 'backend.name', 'cpu')).toEqual({
      backend: { name: 'cpu' },
    });
    // Only a reference's own keys: any other path through a string is still an error.
    expect(() => setPath({ backend: 'wasm' }, 'backend.threads', 1)).toThrow(
      /'backend' is "wasm", not an object/,
    );
  });

  it('names the file and the config path of invalid values', () => {
    const path = tempFile(
      'bad.yaml',
      'data: { name: x }\nstudent: { name: s }\ntrain: { steps: -5 }\n',
    );
    expect(() => loadExperimentConfig(path)).toThrow(ConfigError);
    expect(() => loadExperimentConfig(path)).toThrow(/bad\.yaml: train\.steps: Too small/);
    expect(() => parseExperimentConfig({ data: { name: 'x' } })).toThrow(
      /student: .*expected object/i,
    );
    expect(() =>
      parseExperimentConfig({ data: { name: 'x' }, student: { name: 's' }, studnet: {} }),
    ).toThrow(/Unrecognized key.*studnet/);
  });

  it('refuses YAML tags that could construct objects or run code', () => {
    const evil = 'data: !!js/function "function(){ return 1 }"\nstudent: { name: s }\n';
    expect(() => parseConfigText(evil, 'yaml', 'evil.yaml')).toThrow(ConfigError);
    expect(() => parseConfigText('a: !custom 1', 'yaml', 'x.yaml')).toThrow(/not valid YAML/);
  });

  it('reports YAML and JSON syntax errors with the file name', () => {
    expect(() => parseConfigText('a: [1, 2', 'yaml', 'broken.yaml')).toThrow(/broken\.yaml/);
    expect(() => parseConfigText('{"a": ', 'json', 'broken.json')).toThrow(
      /broken\.json: not valid JSON/,
    );
    expect(() => loadExperimentConfig('/nonexistent/e.yaml')).toThrow(/Cannot read config/);
    expect(() => loadExperimentConfig(tempFile('e.toml', ''))).toThrow(
      /unknown config format '.toml'/,
    );
  });

  it('expands ablation axes into the cartesian product of validated variants', () => {
    const variants = expandAblation(loadExperimentConfig(tempFile('e.yaml', yamlText)));
    expect(variants.map((v) => v.label)).toEqual([
      'strategy.name=none,student.options.timesteps=1',
      'strategy.name=none,student.options.timesteps=4',
      'strategy.name=hint,student.options.timesteps=1',
      'strategy.name=hint,student.options.timesteps=4',
    ]);
    expect(variants[2]?.config.strategy.name).toBe('hint');
    expect(variants[2]?.config.student.options?.timesteps).toBe(1);
    expect(variants[0]?.config.ablate).toBeUndefined();
  });

  it('labels swept plugin references by their name', () => {
    const config = loadExperimentConfig(tempFile('e.yaml', yamlText), [
      'ablate={strategy: [{name: none}, {name: hint, options: {weight: 1}}]}',
    ]);
    const variants = expandAblation(config);
    expect(variants.map((v) => v.label)).toEqual(['strategy=none', 'strategy=hint']);
    expect(variants[1]?.config.strategy).toEqual({ name: 'hint', options: { weight: 1 } });
  });
});
