import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  type AblationVariant,
  type ExperimentConfig,
  expandAblation,
  type RefValue,
  type Registry,
  SpikedistillError,
  type TrainSummary,
  writeFileAtomic,
} from '@spikedistill/core';
import pLimit from 'p-limit';
import { describeError } from '../errors.js';
import { writeReport } from '../report/index.js';
import { runInChild } from '../runner/spawn.js';
import { type Outcome, outcomeError, type PluginSource, type VariantTask } from '../runner/task.js';
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
  /**
   * Variants trained at once, each in a process of its own (default 1: one
   * after another in this process). Bounded by the machine's cores.
   */
  jobs?: number;
  /** What a variant's own process needs to rebuild its registry and backend (with `jobs` > 1). */
  processSetup?: ProcessSetup;
  /** Write report.html/.md/.csv when the ablation ends (default true). */
  report?: boolean;
  log: (line: string) => void;
}

/** What a variant's process (child or queue worker) starts from: plugin packages, and a worker's `--backend` if given. */
export interface ProcessSetup {
  plugins: PluginSource[];
  /** Overrides each variant's `backend` (its config already holds the coordinator's `--backend`). */
  backend?: RefValue;
}

/**
 * Runs every variant of the config's `ablate` sweep, each in its own folder
 * with its own registry (so seeds and random streams belong to the variant),
 * each resumable: with --resume a finished variant is skipped and an
 * interrupted one continues from its checkpoint. Results are written after
 * every variant; a variant that fails is recorded with its error and the
 * others go on. With `jobs` > 1, that many variants train at once in child
 * processes.
 */
export async function ablateCommand(
  config: ExperimentConfig,
  options: AblateOptions,
): Promise<AblationResult> {
  const variants = expandAblation(config);
  options.log(`${variants.length} variant(s): ${variants.map((v) => v.label).join(' | ')}`);
  if (!options.resume && !options.force) refuseExisting(variants, options.outDir);
  const result = newAblationResult(config, variants);
  mkdirSync(options.outDir, { recursive: true });
  writeResults(options.outDir, result);
  const record = (i: number, outcome: Outcome) => {
    recordOutcome(result.variants[i]!, outcome, options.log);
    writeResults(options.outDir, result);
  };
  const jobs = boundedJobs(options.jobs ?? 1, options.log);
  if (jobs > 1) {
    if (!options.processSetup)
      throw new SpikedistillError('E_INTERNAL', "ablate --jobs needs the processes' setup");
    const setup = options.processSetup;
    const limit = pLimit(jobs);
    await Promise.all(
      variants.map((variant, i) =>
        limit(async () => {
          const prefix = `[${variant.label}] `;
          const outcome = await runInChild(
            variantTask(variant, join(options.outDir, variant.dir), setup, options),
            { onLog: (line) => options.log(prefix + line) },
          );
          record(i, outcome);
        }),
      ),
    );
  } else {
    for (const [i, variant] of variants.entries()) {
      record(i, await trainInProcess(variant, options));
    }
  }
  return finishAblation(config, result, options);
}

/** Records how a variant ended; a failure is said. */
export function recordOutcome(
  entry: AblationRecord,
  outcome: Outcome,
  log: (line: string) => void,
): void {
  if (outcome.type === 'done') {
    entry.status = 'done';
    entry.summary = outcome.summary;
    return;
  }
  entry.status = 'failed';
  entry.error =
    outcome.type === 'failed'
      ? outcomeError(outcome)
      : `E_STOPPED: stopped at step ${outcome.step}; continue with --resume`;
  log(`variant ${entry.label} failed: ${entry.error}`);
}

/** Trains one variant in this process, with the caller's registry. */
async function trainInProcess(variant: AblationVariant, options: AblateOptions): Promise<Outcome> {
  try {
    const summary = await trainCommand(
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
    return { type: 'done', summary };
  } catch (err) {
    return { type: 'failed', ...describeError(err) };
  }
}

/** A variant as a task for a process of its own: the same config, folder and run facts as in-process. */
export function variantTask(
  variant: AblationVariant,
  runDir: string,
  setup: ProcessSetup,
  options: { resume: boolean; force?: boolean; evalLimit?: number },
): VariantTask {
  return {
    label: variant.label,
    id: variant.id,
    values: variant.values,
    config: { ...variant.config, name: variant.dir },
    runDir,
    resume: options.resume,
    force: options.force,
    evalLimit: options.evalLimit,
    backend: setup.backend ?? variant.config.backend,
    plugins: setup.plugins,
  };
}

/** At most one variant per core: more only share the cores and hold more memory. */
export function boundedJobs(
  jobs: number,
  log: (line: string) => void,
  cores = availableParallelism(),
): number {
  if (jobs <= cores) return jobs;
  log(`--jobs ${jobs}: this machine has ${cores} core(s); running ${cores} variant(s) at once`);
  return cores;
}

/** The ablation's record before anything ran: every variant pending. */
export function newAblationResult(
  config: ExperimentConfig,
  variants: readonly AblationVariant[],
): AblationResult {
  return {
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
}

/**
 * After the last variant: the score table, the report (a report that fails
 * is said, not fatal), and an E_VARIANT_FAILED error naming the variants
 * that failed, once the others' results are written.
 */
export async function finishAblation(
  config: ExperimentConfig,
  result: AblationResult,
  options: Pick<AblateOptions, 'outDir' | 'registryFor' | 'report' | 'log'>,
): Promise<AblationResult> {
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
      `${failed.length} of ${result.variants.length} variant(s) failed: ${failed.map((v) => `${v.label} (${v.error})`).join('; ')}. The others' results are in ${options.outDir}.`,
    );
  }
  return result;
}

/** A fresh ablation must not mix with the runs of an earlier one in the same folder. */
export function refuseExisting(variants: readonly AblationVariant[], outDir: string): void {
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

export function writeResults(outDir: string, result: AblationResult): void {
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
