import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ExperimentConfig,
  evaluate,
  INPUT_SCORING,
  loadBackboneWeights,
  type Registry,
  type SetScores,
  type TeacherEvalConfig,
  writeFileAtomic,
} from '@spikedistill/core';
import { scoresTable } from '../tables.js';

export interface EvalCommandOptions {
  weights?: string;
  model: 'student' | 'teacher';
  evalLimit?: number;
  /** Folder for the per-image scores (`eval-<model>.csv` and `.json`). */
  outDir: string;
  /** Print the per-image scores as JSON on stdout. */
  json?: boolean;
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
  const model = registry.createFrom('backbone', ref, options.model);
  const data = registry.createFrom('dataset', config.data, 'data');
  try {
    const weights = options.weights ?? ref.weights;
    if (weights) loadBackboneWeights(model, weights);
    const metrics = config.metrics.map((m, i) => registry.createFrom('metric', m, `metrics.${i}`));
    const scores = await evaluate(model, data.evalSets(), metrics, { limit: options.evalLimit });
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
