import { type ExperimentConfig, loadBackboneWeights, type Registry, tf } from '@spikedistill/core';
import { formatEnergyTable, measureEnergy, type ModelEnergy } from '@spikedistill/energy';

/**
 * Energy per image of the config's teacher and student, measured on the
 * first test images (firing rates depend on the data).
 */
export async function energyCommand(
  registry: Registry,
  config: ExperimentConfig,
  options: { studentWeights?: string; images: number; log: (line: string) => void },
): Promise<ModelEnergy[]> {
  const data = registry.createFrom('dataset', config.data, 'data');
  const set = data.evalSets()[0];
  if (!set) throw new Error('the dataset has no test set to measure on');
  const inputs: tf.Tensor4D[] = [];
  for await (const item of set.items()) {
    if (inputs.length >= options.images) {
      tf.dispose([item.input, item.target]);
      break;
    }
    inputs.push(item.input);
    item.target.dispose();
  }
  const results: ModelEnergy[] = [];
  const refs = [
    ...(config.teacher
      ? [{ role: 'teacher', ref: config.teacher, weights: config.teacher.weights }]
      : []),
    {
      role: 'student',
      ref: config.student,
      weights: options.studentWeights ?? config.student.weights,
    },
  ];
  try {
    for (const { role, ref, weights } of refs) {
      const model = registry.createFrom('backbone', ref, role);
      try {
        if (weights) loadBackboneWeights(model, weights);
        // Same size for every image: measure on the first one, crop others out of the batch.
        results.push(measureEnergy(registry, `${role} ${ref.name}`, model, inputs[0]!));
      } finally {
        model.dispose();
      }
    }
  } finally {
    tf.dispose(inputs);
    data.close?.();
  }
  options.log(formatEnergyTable(results));
  return results;
}
