import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { type SetScores, SpikedistillError, type TrainSummary } from '@spikedistill/core';
import type { EnergyFile } from '@spikedistill/energy';
import type { SamplesIndex } from './samples.js';
import { readTernaryCounts, type TernaryTensor } from './ternary.js';

/** One line of `loss.jsonl`. */
export interface LossLine {
  step: number;
  loss: number;
  terms: Record<string, number>;
  lr?: number;
  msPerStep?: number;
}

/** One line of `metrics.jsonl`: one evaluation of one set. */
export interface MetricsLine {
  step: number;
  set: string;
  images: number;
  model: Record<string, number>;
  input: Record<string, number>;
  firingRates?: Record<string, number>;
}

/** `run.json`. */
export interface RunInfo {
  name?: string;
  seed?: number;
  startedAt?: string;
  label?: string;
  values?: Record<string, unknown>;
  params?: number;
  teacherParams?: number;
  backend?: string;
}

/** `teacher.json`: the teacher scored on the run's test sets (written by the report when missing). */
export interface TeacherFile {
  model: string;
  parameters: number;
  eval: SetScores[];
}

/** Everything a run folder holds that a report shows. Absent files stay undefined. */
export interface RunData {
  dir: string;
  config?: Record<string, unknown>;
  run?: RunInfo;
  summary?: TrainSummary;
  losses: LossLine[];
  metrics: MetricsLine[];
  energy?: EnergyFile;
  teacher?: TeacherFile;
  samples?: SamplesIndex;
  /** Whether `student.safetensors` is there (models can be rebuilt). */
  hasWeights: boolean;
  /** The saved student's ternary tensors (none for a full-precision student). */
  ternary: TernaryTensor[];
}

export interface VariantData {
  label: string;
  dir: string;
  values: Record<string, unknown>;
  seed: number | undefined;
  /** `pending`: the ablation has not trained it yet (a report of a grid still running). */
  status: 'done' | 'failed' | 'pending';
  error?: string;
  run?: RunData;
}

/** A variant that trained to the end, with its run folder read. */
export const isFinished = (v: VariantData): v is VariantData & { run: RunData } =>
  v.status === 'done' && v.run !== undefined;

/**
 * A variant's folder as the report shows it: relative to the report's folder,
 * so a published report names no path of the machine it was made on.
 */
export const shownFolder = (data: ReportData, v: VariantData): string =>
  relative(data.dir, v.dir) || '.';

/** A run folder is read as an ablation of one variant, so one renderer serves both. */
export interface ReportData {
  kind: 'run' | 'ablation';
  name: string;
  dir: string;
  /** Swept config paths (`seed` included when swept). */
  axes: string[];
  variants: VariantData[];
  /** What was skipped or missing, said once in the report and on the terminal. */
  warnings: string[];
}

/** `ablation.json` as the ablate runner writes it. */
interface AblationFile {
  name?: string;
  axes?: string[];
  variants: Array<{
    label: string;
    dir: string;
    values?: Record<string, unknown>;
    seed?: number;
    status?: 'done' | 'failed' | 'pending';
    error?: string;
  }>;
}

const RUN_FILES = ['summary.json', 'loss.jsonl', 'config.json', 'run.json', 'metrics.jsonl'];

/** Whether `dir` looks like a run folder (holds any file a run writes). */
export function isRunFolder(dir: string): boolean {
  return RUN_FILES.some((f) => existsSync(join(dir, f)));
}

/** Reads a run or ablation folder; `E_NOT_A_RUN` for anything else. */
export function loadReportData(folder: string): ReportData {
  const dir = resolve(folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new SpikedistillError('E_NOT_A_RUN', `${folder}: no such folder`);
  }
  const warnings: string[] = [];
  if (existsSync(join(dir, 'ablation.json'))) return loadAblation(dir, warnings);
  if (isRunFolder(dir)) {
    const run = loadRun(dir, warnings);
    return {
      kind: 'run',
      name: run.run?.name ?? String(run.config?.name ?? basename(dir)),
      dir,
      axes: [],
      variants: [
        {
          label: run.run?.label ?? run.run?.name ?? basename(dir),
          dir,
          values: run.run?.values ?? {},
          seed: run.run?.seed ?? (run.config?.seed as number | undefined),
          status: run.summary ? 'done' : 'failed',
          error: run.summary ? undefined : 'no summary.json: the run did not finish',
          run,
        },
      ],
      warnings,
    };
  }
  throw new SpikedistillError(
    'E_NOT_A_RUN',
    `${folder} is neither a run folder (none of ${RUN_FILES.join(', ')}) nor an ablation folder (ablation.json)`,
  );
}

function loadAblation(dir: string, warnings: string[]): ReportData {
  const raw = readJson<AblationFile | Array<{ label: string }>>(join(dir, 'ablation.json'));
  // Older ablate runs wrote a bare array of {label, scores}, one folder per label.
  const file: AblationFile = Array.isArray(raw)
    ? {
        variants: raw.map((r) => {
          const values = valuesOfLabel(r.label);
          return {
            label: r.label,
            dir: folderNameOf(r.label),
            values,
            seed: typeof values.seed === 'number' ? values.seed : undefined,
          };
        }),
      }
    : raw;
  if (!Array.isArray(file.variants)) {
    throw new SpikedistillError(
      'E_NOT_A_RUN',
      `${join(dir, 'ablation.json')}: expected {name, axes, variants: [...]}`,
    );
  }
  const variants = file.variants.map((v): VariantData => {
    const runDir = resolve(dir, v.dir);
    const run = isRunFolder(runDir) ? loadRun(runDir, warnings) : undefined;
    const pending = v.status === 'pending' && !run?.summary;
    if (!run && !pending)
      warnings.push(`variant ${v.label}: its folder ${v.dir} holds no run files`);
    const failed = !pending && (v.status === 'failed' || !run?.summary);
    return {
      label: v.label,
      dir: runDir,
      values: v.values ?? run?.run?.values ?? {},
      seed: v.seed ?? run?.run?.seed ?? (run?.config?.seed as number | undefined),
      status: pending ? 'pending' : failed ? 'failed' : 'done',
      error: failed ? (v.error ?? 'no summary.json: the run did not finish') : undefined,
      run,
    };
  });
  const pending = variants.filter((v) => v.status === 'pending').length;
  if (pending) {
    warnings.push(
      `${pending} of ${variants.length} variants not trained yet (pending): the ablation is still running or was stopped, so this report is partial`,
    );
  }
  const axes = file.axes ?? [...new Set(variants.flatMap((v) => Object.keys(v.values)))];
  return { kind: 'ablation', name: file.name ?? basename(dir), dir, axes, variants, warnings };
}

/**
 * `a.b=1,strategy.name=hint` → `{ 'a.b': 1, 'strategy.name': 'hint' }`: the
 * swept values of an older ablation.json that kept only labels.
 */
function valuesOfLabel(label: string): Record<string, unknown> {
  if (label === 'base') return {};
  const values: Record<string, unknown> = {};
  for (const part of label.split(/,(?=[A-Za-z_][\w.]*=)/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const text = part.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a bare word (a plugin name): kept as text
    }
    values[part.slice(0, eq)] = value;
  }
  return values;
}

/** The ablate runner's folder name for a label (kept in step with commands/ablate.ts). */
const folderNameOf = (label: string) => label.replace(/[^A-Za-z0-9.=_-]+/g, '_').slice(0, 120);

/** Reads one run folder; a torn last line of a `.jsonl` log (a run killed mid-write) is skipped. */
export function loadRun(dir: string, warnings: string[]): RunData {
  const optional = <T>(name: string): T | undefined =>
    existsSync(join(dir, name)) ? readJson<T>(join(dir, name)) : undefined;
  return {
    dir,
    config: optional('config.json'),
    run: optional('run.json'),
    summary: optional('summary.json'),
    losses: readJsonLines<LossLine>(join(dir, 'loss.jsonl'), warnings),
    metrics: readJsonLines<MetricsLine>(join(dir, 'metrics.jsonl'), warnings),
    energy: optional('energy.json'),
    teacher: optional('teacher.json'),
    samples: optional(join('samples', 'index.json')),
    hasWeights: existsSync(join(dir, 'student.safetensors')),
    ternary: readTernaryCounts(join(dir, 'student.safetensors')),
  };
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new SpikedistillError('E_IO', `${path}: not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
}

/**
 * One JSON object per line. The last line may be torn (the process stopped
 * while appending): it is dropped with a warning. A bad line anywhere else
 * means the file is damaged, and that is an error naming the line.
 */
export function readJsonLines<T>(path: string, warnings: string[]): T[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (err) {
      if (i === lines.length - 1) {
        warnings.push(`${path}: skipped its torn last line ${i + 1} (${(err as Error).message})`);
        return;
      }
      throw new SpikedistillError(
        'E_IO',
        `${path}:${i + 1}: not valid JSON (${(err as Error).message}); only a torn last line is skipped`,
        { cause: err },
      );
    }
  });
  return out;
}
