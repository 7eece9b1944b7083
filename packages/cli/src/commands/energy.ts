import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExperimentConfig, buildModel, type Registry, type tf } from '@spikedistill/core';
import {
  type EnergyFile,
  formatEnergyTable,
  measureEnergy,
  type ModelEnergy,
  toEnergyFile,
} from '@spikedistill/energy';

export interface MeasuredEnergy {
  models: Array<{ role: 'teacher' | 'student'; energy: ModelEnergy }>;
  file: EnergyFile;
}

/**
 * Energy per image of the config's teacher and student, measured on the
 * first test image (firing rates depend on the data).
 */
export async function measureConfigEnergy(
  registry: Registry,
  config: ExperimentConfig,
  studentWeights: string | undefined,
): Promise<MeasuredEnergy> {
  const data = registry.createFrom('dataset', config.data, 'data');
  let input: tf.Tensor4D | undefined;
  let setName = '';
  try {
    const set = data.evalSets()[0];
    if (!set) throw new Error('the dataset has no test set to measure on');
    setName = set.name;
    for await (const item of set.items()) {
      input = item.input;
      item.target.dispose();
      break;
    }
  } finally {
    data.close?.();
  }
  if (!input) throw new Error(`test set ${setName} is empty: nothing to measure energy on`);
  const refs = [
    ...(config.teacher
      ? [{ role: 'teacher' as const, ref: config.teacher, weights: config.teacher.weights }]
      : []),
    {
      role: 'student' as const,
      ref: config.student,
      weights: studentWeights ?? config.student.weights,
    },
  ];
  const models: MeasuredEnergy['models'] = [];
  try {
    for (const { role, ref, weights } of refs) {
      // Built as trained: a ternary student is measured with its ternary weights.
      const { model } = buildModel(registry, ref, role, weights);
      try {
        models.push({ role, energy: measureEnergy(registry, `${role} ${ref.name}`, model, input) });
      } finally {
        model.dispose();
      }
    }
    const file = toEnergyFile(models, { set: setName, images: 1, shape: input.shape.slice(1) });
    return { models, file };
  } finally {
    input.dispose();
  }
}

/**
 * `spikedistill energy`: prints the table; with `out` (a run folder), uses
 * its `student.safetensors` unless weights are given and writes `energy.json` there.
 */
export async function energyCommand(
  registry: Registry,
  config: ExperimentConfig,
  options: { studentWeights?: string; out?: string; log: (line: string) => void },
): Promise<ModelEnergy[]> {
  const runWeights = options.out && join(options.out, 'student.safetensors');
  const weights =
    options.studentWeights ?? (runWeights && existsSync(runWeights) ? runWeights : undefined);
  const { models, file } = await measureConfigEnergy(registry, config, weights);
  options.log(formatEnergyTable(models.map((m) => m.energy)));
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    const path = join(options.out, 'energy.json');
    writeFileSync(path, JSON.stringify(file, null, 2));
    options.log(`energy: ${path}`);
  }
  return models.map((m) => m.energy);
}
