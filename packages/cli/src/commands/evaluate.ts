import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ExperimentConfig,
  evaluate,
  INPUT_SCORING,
  buildModel,
  type Registry,
  type SetScores,
  type TeacherEvalConfig,
  type tf,
  writeFileAtomic,
} from '@spikedistill/core';
import { createFrozenModel } from '@spikedistill/onnx';
import { scoresTable } from '../tables.js';

export interface EvalCommandOptions {
  weights?: string;
  model: 'student' | 'teacher';
  evalLimit?: number;
  /** Folder for the per-image scores (`eval-<model>.csv` and `.json`). */
  outDir: string;
  /** Print the per-image scores as JSON on stdout. */
  json?: boolean;
  /** MiB one forward pass may take (larger images are tiled). */
  memoryBudget?: number;
  /** Where the model runs: ONNX Runtime, tfjs, or auto (onnx when onnxruntime-node loads). */
  engine?: 'auto' | 'onnx' | 'tfjs';
  log: (line: string) => void;
}

/**
 * Evaluates the config's student (or teacher) with the given weights on the
 * config's test sets; writes every image's scores at full precision.
 */
export async function evalCommand(
  registry: Registry,
  config: ExperimentConfig | TeacherEvalConfig,
  options: EvalCommandOptions,
): Promise<SetScores[]> {
  const ref = options.model === 'teacher' ? config.teacher : config.student;
  if (!ref) throw new Error(`the config has no ${options.model}`);
  const weights = options.weights ?? ref.weights;
  const { model } = buildModel(registry, ref, options.model, weights);
  const data = registry.createFrom('dataset', config.data, 'data');
  try {
    const metrics = config.metrics.map((m, i) => registry.createFrom('metric', m, `metrics.${i}`));
    const frozen = await createFrozenModel(model, { engine: options.engine ?? 'auto' });
    options.log(`engine: ${frozen.engine} — ${frozen.reason}`);
    // On tfjs the model runs as before (tiled to fit the wasm heap); on onnx through ORT.
    const onnx = frozen.engine === 'onnx';
    const scores = await evaluate(model, data.evalSets(), metrics, {
      limit: options.evalLimit,
      memoryBudget: options.memoryBudget === undefined ? undefined : options.memoryBudget * 2 ** 20,
      onImage: (set, image, tiles) => {
        if (tiles > 1)
          options.log(`  ${set}/${image}: over the memory budget, restored in ${tiles} tiles`);
      },
      ...(onnx ? { forward: async (x: tf.Tensor4D) => (await frozen.forward(x)).output! } : {}),
    }).finally(() => frozen.dispose());
    options.log(
      scoresTable([{ label: `${ref.name}${weights ? ` (${weights})` : ' (untrained)'}`, scores }]),
    );
    options.log(`(${INPUT_SCORING})`);
    mkdirSync(options.outDir, { recursive: true });
    const base = join(options.outDir, `eval-${options.model}`);
    const record = {
      model: options.model,
      backbone: ref.name,
      weights,
      inputScoring: INPUT_SCORING,
      sets: scores,
    };
    writeFileAtomic(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
    writeFileAtomic(`${base}.csv`, perImageCsv(scores));
    options.log(`per-image scores: ${base}.csv, ${base}.json`);
    if (options.json) process.stdout.write(`${JSON.stringify(record)}\n`);
    return scores;
  } finally {
    model.dispose();
    data.close?.();
  }
}

/** set,image,<metric>…,input_<metric>… at full precision. */
function perImageCsv(scores: readonly SetScores[]): string {
  const metrics = [...new Set(scores.flatMap((s) => Object.keys(s.model)))];
  const lines = [['set', 'image', ...metrics, ...metrics.map((m) => `input_${m}`)].join(',')];
  for (const s of scores) {
    for (const image of s.perImage ?? []) {
      lines.push(
        [
          JSON.stringify(s.set),
          JSON.stringify(image.name),
          ...metrics.map((m) => image.model[m] ?? ''),
          ...metrics.map((m) => image.input[m] ?? ''),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
