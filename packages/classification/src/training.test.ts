import { wasmTrainPackage } from '@spikedistill/backend-wasm-train';
import {
  type ClassificationScores,
  corePackage,
  createRegistry,
  type ExperimentConfigInput,
  experimentConfig,
  runExperiment,
  selectBackend,
  tf,
} from '@spikedistill/core';
import * as hints from '@spikedistill/hints';
import { neuronsPackage } from '@spikedistill/neurons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classificationPackage } from './index.js';

const makeRegistry = (seed: number) =>
  createRegistry({
    packages: [
      corePackage,
      neuronsPackage,
      { name: hints.packageName, register: hints.register },
      classificationPackage,
      wasmTrainPackage,
    ],
    seed,
  });

// The embedded default: wasm with the training kernels and the fused LIF.
beforeAll(async () => {
  await selectBackend(makeRegistry(1), 'wasm');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

// Three stages: global pooling after two leaves too small a receptive field for digits.
const small = { widths: [8, 16, 32], depth: 1, timesteps: 2 };
const digits = { trainSize: 4000, testSize: 1000 };

function config(overrides: Partial<ExperimentConfigInput>): ExperimentConfigInput {
  return {
    name: 'digits',
    seed: 1,
    data: { name: 'mnist', options: digits },
    student: { name: 'spiking-vgg', options: small },
    loss: [{ name: 'cross-entropy' }],
    metrics: [{ name: 'accuracy' }, { name: 'accuracy', options: { top: 3 } }],
    train: { steps: 250, batch: 32, lr: 5e-3, evalEvery: 0, checkpointEvery: 0 },
    ...overrides,
  };
}

describe('a spiking classifier trained by core’s trainer on real digits', () => {
  it('reaches well above chance on held-out digits within a short run (strategy none)', async () => {
    const registry = makeRegistry(1);
    const before = tf.memory().numTensors;
    const summary = await runExperiment(registry, experimentConfig.parse(config({})));
    expect(tf.memory().numTensors).toBe(before);
    const [scores] = summary.eval as ClassificationScores[];
    console.log(
      `spiking-vgg ${JSON.stringify(small)}, 250 steps of 32: accuracy ${scores!.model['accuracy']}, top-3 ${scores!.model['top3']}, ${((summary.seconds / 250) * 1000).toFixed(0)} ms/step (with evaluation)`,
    );
    expect(scores!.images).toBe(1000);
    // Chance is 0.1; 250 steps see 8,000 digits (two epochs of 4,000).
    expect(scores!.model['accuracy']).toBeGreaterThan(0.5);
    expect(scores!.model['top3']).toBeGreaterThan(scores!.model['accuracy']!);
    expect(Object.keys(scores!.perClass)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(scores!.input).toEqual({});
    // ~15 s on an idle 2-core machine; the margin is for a shared, loaded one.
  }, 300_000);
});

describe('the existing strategies on classifiers (a few steps each)', () => {
  const short = { steps: 4, batch: 8, lr: 1e-3, evalEvery: 0, checkpointEvery: 0 };
  const tiny = { trainSize: 64, testSize: 16 };

  it('tna: student and twin on cross-entropy plus α·MSE of their logits, ternary student', async () => {
    const registry = makeRegistry(2);
    const terms: string[][] = [];
    registry.events.on('step', (e) => terms.push(Object.keys(e.terms)));
    const summary = await runExperiment(
      registry,
      experimentConfig.parse(
        config({
          data: { name: 'mnist', options: tiny },
          student: { ...config({}).student, quantizer: 'ternary' },
          strategy: { name: 'tna', options: { alpha: 1 } },
          train: short,
        }),
      ),
    );
    expect(terms[0]).toEqual(['task.cross-entropy', 'twin.cross-entropy', 'tna.mse']);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
  });

  it('output-kd: runs with an ANN teacher, comparing logits by any loss plugin (here mse)', async () => {
    const registry = makeRegistry(3);
    const terms: string[][] = [];
    registry.events.on('step', (e) => terms.push(Object.keys(e.terms)));
    await runExperiment(
      registry,
      experimentConfig.parse(
        config({
          data: { name: 'mnist', options: tiny },
          teacher: { name: 'vgg', options: { widths: [8, 16], depth: 1 } },
          strategy: { name: 'output-kd', options: { distance: 'mse' } },
          train: short,
        }),
      ),
    );
    expect(terms[0]).toEqual(['task.cross-entropy', 'kd.mse']);
  });
});
