import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildExperiment,
  disposeExperiment,
  type ExperimentConfig,
  type ExperimentConfigInput,
  loadBackboneWeights,
  parseExperimentConfig,
  type Registry,
  selectBackend,
  type TrainSummary,
} from '@spikedistill/core';
import { formatEnergyTable, measureEnergy } from '@spikedistill/energy';
import { writeComparisonGrid } from '../image-grid.js';
import { createFullRegistry } from '../packages.js';
import { attachProgress } from '../progress.js';
import { scoresTable } from '../tables.js';
import { trainCommand } from './train.js';

export interface DemoOptions {
  backend: string;
  /** Training steps of each of the three runs. */
  steps: number;
  outDir: string;
  log: (line: string) => void;
}

/** The demo's three runs, on procedural images that need no files. */
export function demoConfigs(
  steps: number,
): Record<'teacher' | 'none' | 'hint', ExperimentConfigInput> {
  const data = {
    name: 'procedural-denoise',
    options: { sigma: 25, patch: 32, testImages: 4, testSize: 64 },
  };
  const train = { steps, batch: 8, lr: 1e-3, checkpointEvery: 0, logEvery: 10 };
  const student = { name: 'spiking-unet' };
  const teacher = { name: 'unet', options: { widths: [16, 32, 64] } };
  return {
    teacher: { name: 'teacher (ANN U-Net)', data, student: teacher, train },
    none: { name: 'SNN student, no distillation', data, student, train },
    hint: {
      name: 'SNN student, hint distillation',
      data,
      student,
      teacher,
      strategy: { name: 'hint', options: { layers: ['dec1', 'dec2'], weight: 0.12 } },
      train,
    },
  };
}

/**
 * The README's first command: trains a small ANN teacher, then the same
 * spiking student without and with hint distillation from it, on the
 * embedded defaults (wasm backend, procedural images), and reports PSNR/SSIM,
 * energy per image and a picture of the results.
 */
export async function demoCommand({ backend, steps, outDir, log }: DemoOptions): Promise<void> {
  const registry = createFullRegistry(1);
  const detach = attachProgress(registry.events, log);
  try {
    const selected = await selectBackend(registry, backend);
    log(`backend: ${selected.name} — ${selected.reason}`);
    const configs = demoConfigs(steps);
    const teacherDir = join(outDir, 'teacher');
    const runs: Array<{ label: string; summary: TrainSummary }> = [];

    const teacherConfig = parseExperimentConfig(configs.teacher, 'demo teacher');
    runs.push({
      label: 'teacher',
      summary: await runOne(registry, teacherConfig, teacherDir, log),
    });

    const noneConfig = parseExperimentConfig(configs.none, 'demo student');
    runs.push({
      label: 'student (none)',
      summary: await runOne(registry, noneConfig, join(outDir, 'student-none'), log),
    });

    const hintInput = configs.hint;
    hintInput.teacher = {
      ...(hintInput.teacher as object),
      weights: join(teacherDir, 'student.safetensors'),
    } as never;
    const hintConfig = parseExperimentConfig(hintInput, 'demo student with hints');
    runs.push({
      label: 'student (hint)',
      summary: await runOne(registry, hintConfig, join(outDir, 'student-hint'), log),
    });

    log('\nPSNR / SSIM on held-out procedural images (σ = 25):');
    log(scoresTable(runs.map((r) => ({ label: r.label, scores: r.summary.eval }))));

    // Energy and a picture, with the trained weights.
    const parts = buildExperiment(registry, {
      ...hintConfig,
      student: {
        ...hintConfig.student,
        weights: join(outDir, 'student-hint', 'student.safetensors'),
      },
    });
    const none = registry.createFrom('backbone', noneConfig.student, 'student');
    try {
      loadBackboneWeights(none, join(outDir, 'student-none', 'student.safetensors'));
      const set = parts.data.evalSets()[0]!;
      const first = (await set.items()[Symbol.asyncIterator]().next()).value!;
      const energies = [
        measureEnergy(registry, 'teacher unet', parts.teacher!, first.input),
        measureEnergy(registry, 'student spiking-unet', parts.student, first.input),
      ];
      first.input.dispose();
      first.target.dispose();
      log('\nEnergy per image (one inference):');
      log(formatEnergyTable(energies));
      const grid = join(outDir, 'samples.png');
      await writeComparisonGrid(grid, set, [parts.teacher!, none, parts.student]);
      log(`\nimages (noisy | teacher | student none | student hint | clean): ${grid}`);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(
        join(outDir, 'demo.json'),
        JSON.stringify({ runs, energy: energies.map(({ ops: _ops, ...e }) => e) }, null, 2),
      );
      log(`all results: ${outDir}`);
    } finally {
      none.dispose();
      disposeExperiment(parts);
    }
  } finally {
    detach();
  }
}

function runOne(
  registry: Registry,
  config: ExperimentConfig,
  runDir: string,
  log: (line: string) => void,
): Promise<TrainSummary> {
  log('');
  return trainCommand(registry, config, { runDir, resume: false, grid: false, log });
}
