import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AblationVariant,
  type ExperimentConfig,
  expandAblation,
  type Registry,
  SpikedistillError,
  type TrainSummary,
  writeFileAtomic,
} from '@spikedistill/core';
import { writeReport } from '../report/index.js';
import { scoresCsv, scoresTable } from '../tables.js';
import { trainCommand } from './train.js';

export interface AblationRecord {
  label: string;
  dir: string;
  id: string;
  values: Record<string, unknown>;
  seed: number;
  status: 'pending' | 'done' | 'failed';
  error?: string;
  summary?: TrainSummary;
}

export interface AblationResult {
  name: string;
  axes: string[];
  variants: AblationRecord[];
}

export interface AblateOptions {
  outDir: string;
  resume: boolean;
  force?: boolean;
  evalLimit?: number;
  /** A registry of its own for every variant: its seed drives every random stream of the variant. */
  registryFor: (config: ExperimentConfig) => Registry;
  /** Write report.html/.md/.csv when the ablation ends (default true). */
  report?: boolean;
  log: (line: string) => void;
}

/**
 * Runs every variant of the config's `ablate` sweep, each in its own folder
 * with its own registry (so seeds and random streams belong to the variant),
 * each resumable: with --resume a finished variant is skipped and an
 * interrupted one continues from its checkpoint. Results are written after
 * every variant; a variant that fails is recorded with its error and the
 * others go on.
 */
export async function ablateCommand(
  config: ExperimentConfig,
  options: AblateOptions,
): Promise<AblationResult> {
  const variants = expandAblation(config);
  options.log(`${variants.length} variant(s): ${variants.map((v) => v.label).join(' | ')}`);
  if (!options.resume && !options.force) refuseExisting(variants, options.outDir);
  const result: AblationResult = {
    name: config.name,
    axes: Object.keys(config.ablate ?? {}),
    variants: variants.map((v) => ({
      label: v.label,
      dir: v.dir,
      id: v.id,
      values: v.values,
      seed: v.config.seed,
      status: 'pending',
    })),
  };
  mkdirSync(options.outDir, { recursive: true });
  writeResults(options.outDir, result);
  for (const [i, variant] of variants.entries()) {
    const record = result.variants[i]!;
    try {
      record.summary = await trainCommand(
        options.registryFor(variant.config),
        { ...variant.config, name: variant.dir },
        {
          runDir: join(options.outDir, variant.dir),
          resume: options.resume,
          force: options.force,
          evalLimit: options.evalLimit,
          grid: false,
          runInfo: { label: variant.label, values: variant.values, id: variant.id },
          log: options.log,
        },
      );
      record.status = 'done';
    } catch (err) {
      record.status = 'failed';
      record.error =
        err instanceof SpikedistillError
          ? `${err.code}: ${err.message}`
          : String((err as Error)?.message ?? err);
      options.log(`variant ${variant.label} failed: ${record.error}`);
    }
    writeResults(options.outDir, result);
  }
  const done = result.variants.filter((v) => v.status === 'done');
  options.log(scoresTable(done.map((v) => ({ label: v.label, scores: v.summary!.eval }))));
  options.log(`ablation results: ${join(options.outDir, 'ablation.csv')}`);
  if (options.report !== false && done.length) {
    try {
      const files = await writeReport(options.outDir, {
        registry: options.registryFor(config),
        log: options.log,
      });
      options.log(`report: ${files.html}`);
    } catch (err) {
      // The results are written; a report that fails is said, not fatal.
      options.log(`warning: the report could not be written: ${(err as Error).message}`);
    }
  }
  const failed = result.variants.filter((v) => v.status === 'failed');
  if (failed.length) {
    throw new SpikedistillError(
      'E_VARIANT_FAILED',
      `${failed.length} of ${variants.length} variant(s) failed: ${failed.map((v) => `${v.label} (${v.error})`).join('; ')}. The others' results are in ${options.outDir}.`,
    );
  }
  return result;
}

/** A fresh ablation must not mix with the runs of an earlier one in the same folder. */
function refuseExisting(variants: readonly AblationVariant[], outDir: string): void {
  const used = variants.filter((v) => existsSync(join(outDir, v.dir, 'config.json')));
  if (used.length) {
    throw new SpikedistillError(
      'E_RUN_EXISTS',
      `${outDir} already holds runs of ${used.length} variant(s) (${used
        .slice(0, 3)
        .map((v) => v.dir)
        .join(
          ', ',
        )}${used.length > 3 ? ', …' : ''}). Continue them with --resume (finished variants are skipped), replace them with --force, or choose another --out.`,
    );
  }
}

function writeResults(outDir: string, result: AblationResult): void {
  writeFileAtomic(join(outDir, 'ablation.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileAtomic(join(outDir, 'ablation.csv'), ablationCsv(result));
}

/** One row per variant and set: the swept settings as columns, then the scores. */
export function ablationCsv(result: AblationResult): string {
  const rows = result.variants.filter((v) => v.status === 'done');
  const csv = scoresCsv(rows.map((v) => ({ label: v.label, scores: v.summary!.eval })));
  const [head, ...lines] = csv.trimEnd().split('\n');
  const cell = (value: unknown) =>
    JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value));
  const out = [[...result.axes.map((a) => JSON.stringify(a)), head].join(',')];
  let line = 0;
  for (const v of rows) {
    for (const _ of v.summary!.eval) {
      out.push([...result.axes.map((a) => cell(v.values[a])), lines[line++]].join(','));
    }
  }
  return `${out.join('\n')}\n`;
}
