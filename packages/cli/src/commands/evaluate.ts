import {
  type ExperimentConfig,
  evaluate,
  loadBackboneWeights,
  type Registry,
  type SetScores,
} from '@spikedistill/core';
import { createFrozenModel } from '@spikedistill/onnx';
import { scoresTable } from '../tables.js';

/** Evaluates the config's student (or teacher) with the given weights on the config's test sets. */
export async function evalCommand(
  registry: Registry,
  config: ExperimentConfig,
  options: {
    weights?: string;
    model: 'student' | 'teacher';
    evalLimit?: number;
    /** Where the model runs: ONNX Runtime, tfjs, or auto (onnx when onnxruntime-node loads). */
    engine?: 'auto' | 'onnx' | 'tfjs';
    log: (line: string) => void;
  },
): Promise<SetScores[]> {
  const ref = options.model === 'teacher' ? config.teacher : config.student;
  if (!ref) throw new Error(`the config has no ${options.model}`);
  const model = registry.createFrom('backbone', ref, options.model);
  const data = registry.createFrom('dataset', config.data, 'data');
  try {
    const weights = options.weights ?? ref.weights;
    if (weights) loadBackboneWeights(model, weights);
    const metrics = config.metrics.map((m, i) => registry.createFrom('metric', m, `metrics.${i}`));
    const frozen = await createFrozenModel(model, { engine: options.engine ?? 'auto' });
    options.log(`engine: ${frozen.engine} — ${frozen.reason}`);
    const forward = async (x: Parameters<typeof frozen.forward>[0]) =>
      (await frozen.forward(x)).output!;
    const scores = await evaluate(model, data.evalSets(), metrics, {
      limit: options.evalLimit,
      forward,
    }).finally(() => frozen.dispose());
    options.log(
      scoresTable([{ label: `${ref.name}${weights ? ` (${weights})` : ' (untrained)'}`, scores }]),
    );
    return scores;
  } finally {
    model.dispose();
    data.close?.();
  }
}
