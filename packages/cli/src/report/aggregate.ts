import { isFinished, type ReportData, type RunData, type VariantData } from './load.js';
import type { TernaryTensor } from './ternary.js';

/** A value over seeds: mean, sample standard deviation (n > 1), range. */
export interface Stat {
  mean: number;
  /** Sample standard deviation (n − 1); undefined for a single value. */
  std: number | undefined;
  min: number;
  max: number;
  n: number;
}

export function stat(values: readonly number[]): Stat | undefined {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (!n) return undefined;
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const std =
    n > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : undefined;
  return { mean, std, min: Math.min(...finite), max: Math.max(...finite), n };
}

/** Variants that differ only in their seed, with their results over seeds. */
export interface Group {
  label: string;
  /** Swept values without the seed. */
  values: Record<string, unknown>;
  variants: VariantData[];
  /** Seeds of the finished runs. */
  seeds: number[];
  failed: number;
  /** Variants the ablation has not trained yet. */
  pending: number;
  /** set → metric → over seeds. */
  scores: Record<string, Record<string, Stat>>;
  params: number | undefined;
  /** estimator → µJ per image over seeds. */
  energy: Record<string, Stat>;
  /** Network firing rate (energy.json) over seeds. */
  firingRate: Stat | undefined;
  /** Neuron layer → firing rate over seeds. */
  layerRates: Record<string, Stat>;
  /** Classification: set → class → top-1 accuracy over seeds (final evaluation). */
  perClass: Record<string, Record<string, Stat>>;
  /** A ternary student: per saved tensor, its size and its −Δ / 0 / +Δ counts and Δ over seeds. */
  ternary: TernaryRow[];
}

export interface TernaryRow {
  name: string;
  size: number;
  scale: Stat;
  negative: Stat;
  zero: Stat;
  positive: Stat;
}

export interface CurvePoint {
  step: number;
  mean: number;
  min: number;
  max: number;
  n: number;
}

export interface Curve {
  title: string;
  /** y-axis name. */
  y: string;
  series: Array<{ group: string; points: CurvePoint[] }>;
}

export interface EstimatorInfo {
  estimator: string;
  source: string;
  constants: Record<string, number>;
  bits: Record<string, number>;
}

export interface Aggregate {
  sets: string[];
  metrics: string[];
  groups: Group[];
  /** The noisy input's scores (the same data for every run: averaged over them). */
  input: Record<string, Record<string, number>>;
  teacher:
    | {
        model: string;
        parameters: number | undefined;
        scores: Record<string, Record<string, number>>;
        /** estimator → µJ per image. */
        energy: Record<string, number>;
      }
    | undefined;
  estimators: EstimatorInfo[];
  lossCurves: Curve[];
  evalCurves: Curve[];
  /** Neuron layers in forward order, over all groups. */
  layers: string[];
}

const SEED = 'seed';

/** Groups variants by their swept values without the seed, and summarises each group. */
export function aggregate(data: ReportData): Aggregate {
  const groups = groupVariants(data);
  const runs = data.variants.filter(isFinished).map((v) => v.run);
  const sets = unique(runs.flatMap((r) => (r.summary?.eval ?? []).map((s) => s.set)));
  const metrics = unique(
    runs.flatMap((r) => (r.summary?.eval ?? []).flatMap((s) => Object.keys(s.model))),
  );
  const input: Aggregate['input'] = {};
  for (const set of sets) {
    input[set] = {};
    for (const metric of metrics) {
      const s = stat(
        runs.flatMap((r) =>
          (r.summary?.eval ?? []).filter((e) => e.set === set).map((e) => e.input[metric]!),
        ),
      );
      if (s) input[set][metric] = s.mean;
    }
  }
  return {
    sets,
    metrics,
    groups,
    input,
    teacher: teacherRow(runs),
    estimators: estimatorsOf(runs),
    lossCurves: lossCurves(groups),
    evalCurves: evalCurves(groups, sets, metrics),
    layers: unique(groups.flatMap((g) => Object.keys(g.layerRates))),
  };
}

function groupVariants(data: ReportData): Group[] {
  const byKey = new Map<string, VariantData[]>();
  for (const v of data.variants) {
    const { [SEED]: _, ...rest } = v.values;
    const key = Object.keys(v.values).length
      ? JSON.stringify(rest)
      : v.label.replace(/(^|,)seed=[^,]*/g, '');
    byKey.set(key, [...(byKey.get(key) ?? []), v]);
  }
  return [...byKey.values()].map((variants) => {
    const first = variants[0]!;
    const { [SEED]: _, ...values } = first.values;
    const label = groupLabel(data, first);
    const finished = variants.filter(isFinished);
    const runs = finished.map((v) => v.run);
    const scores: Group['scores'] = {};
    for (const run of runs) {
      for (const s of run.summary?.eval ?? []) {
        scores[s.set] ??= {};
      }
    }
    for (const set of Object.keys(scores)) {
      const metrics = unique(
        runs.flatMap((r) =>
          (r.summary?.eval ?? []).filter((e) => e.set === set).flatMap((e) => Object.keys(e.model)),
        ),
      );
      for (const metric of metrics) {
        const s = stat(
          runs.flatMap((r) =>
            (r.summary?.eval ?? []).filter((e) => e.set === set).map((e) => e.model[metric]!),
          ),
        );
        if (s) scores[set]![metric] = s;
      }
    }
    const energy: Group['energy'] = {};
    for (const estimator of unique(
      runs.flatMap((r) => studentEnergy(r)?.estimates.map((e) => e.estimator) ?? []),
    )) {
      const s = stat(
        runs.flatMap(
          (r) =>
            studentEnergy(r)
              ?.estimates.filter((e) => e.estimator === estimator)
              .map((e) => e.microjoules) ?? [],
        ),
      );
      if (s) energy[estimator] = s;
    }
    const layerRates: Group['layerRates'] = {};
    const perRun = runs.map(firingRatesOf);
    for (const layer of unique(perRun.flatMap((r) => Object.keys(r)))) {
      const s = stat(perRun.flatMap((r) => (r[layer] === undefined ? [] : [r[layer]!])));
      if (s) layerRates[layer] = s;
    }
    return {
      label,
      values,
      variants,
      seeds: finished.map((v) => v.seed ?? Number.NaN),
      failed: variants.filter((v) => v.status === 'failed').length,
      pending: variants.filter((v) => v.status === 'pending').length,
      scores,
      params: runs.map((r) => r.run?.params ?? studentEnergy(r)?.parameters).find(isNumber),
      energy,
      firingRate: stat(
        runs.flatMap((r) => {
          const rate = studentEnergy(r)?.firingRate;
          return isNumber(rate) ? [rate] : [];
        }),
      ),
      layerRates,
      perClass: perClassOf(runs),
      ternary: ternaryRows(runs),
    };
  });
}

/**
 * A group's name: its variants' label without the seed, in the words the
 * ablate runner chose (which tell apart two references to one plugin, e.g.
 * `hint+output-kd` and `tna+hint`), settings separated by ', '.
 */
function groupLabel(data: ReportData, first: VariantData): string {
  if (data.kind === 'run') return first.label;
  const parts = first.label
    .split(/,(?=[A-Za-z_][\w.]*=)/)
    .filter((part) => !part.startsWith(`${SEED}=`));
  if (parts.length) return parts.join(', ');
  return Object.keys(first.values).length === 1 && SEED in first.values ? 'base' : first.label;
}

/** Set → class → top-1 accuracy over the runs' final evaluations (classification summaries only). */
function perClassOf(runs: RunData[]): Group['perClass'] {
  const out: Group['perClass'] = {};
  const evals = runs.flatMap(
    (r) => (r.summary?.eval ?? []) as Array<{ set: string; perClass?: Record<string, number> }>,
  );
  for (const set of unique(evals.filter((e) => e.perClass).map((e) => e.set))) {
    const ofSet = evals.filter((e) => e.set === set && e.perClass);
    const classes = unique(ofSet.flatMap((e) => Object.keys(e.perClass!)));
    out[set] = {};
    for (const k of classes) {
      const s = stat(ofSet.flatMap((e) => (e.perClass![k] === undefined ? [] : [e.perClass![k]!])));
      if (s) out[set][k] = s;
    }
  }
  return out;
}

/** Per ternary tensor (in the first run's order): size, Δ and the three counts over the runs. */
function ternaryRows(runs: RunData[]): TernaryRow[] {
  const names = unique(runs.flatMap((r) => r.ternary.map((t) => t.name)));
  return names.map((name) => {
    const tensors = runs.flatMap((r) => r.ternary.filter((t) => t.name === name));
    const over = (pick: (t: TernaryTensor) => number) => stat(tensors.map(pick))!;
    const first = tensors[0]!;
    return {
      name,
      size: first.negative + first.zero + first.positive,
      scale: over((t) => t.scale),
      negative: over((t) => t.negative),
      zero: over((t) => t.zero),
      positive: over((t) => t.positive),
    };
  });
}

const studentEnergy = (r: RunData) => r.energy?.models.find((m) => m.role === 'student');
const teacherEnergy = (r: RunData) => r.energy?.models.find((m) => m.role === 'teacher');
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Per-layer firing rates of a run: the last evaluation that recorded them, else energy.json. */
function firingRatesOf(run: RunData): Record<string, number> {
  const last = [...run.metrics].reverse().find((m) => m.firingRates);
  if (last?.firingRates) return last.firingRates;
  return Object.fromEntries((studentEnergy(run)?.neurons ?? []).map((n) => [n.label, n.rate]));
}

function teacherRow(runs: RunData[]): Aggregate['teacher'] {
  const withTeacher = runs.filter((r) => r.teacher || teacherEnergy(r) || r.run?.teacherParams);
  if (!withTeacher.length) return undefined;
  const scored = withTeacher.find((r) => r.teacher);
  const measured = withTeacher.find((r) => teacherEnergy(r));
  const scores: Record<string, Record<string, number>> = {};
  for (const s of scored?.teacher?.eval ?? []) scores[s.set] = s.model;
  const te = measured ? teacherEnergy(measured) : undefined;
  return {
    model: scored?.teacher?.model ?? te?.model ?? configTeacherName(withTeacher) ?? 'teacher',
    parameters:
      withTeacher.map((r) => r.run?.teacherParams).find(isNumber) ??
      scored?.teacher?.parameters ??
      te?.parameters,
    scores,
    energy: Object.fromEntries((te?.estimates ?? []).map((e) => [e.estimator, e.microjoules])),
  };
}

/** The teacher backbone's name in the runs' config.json (`dncnn`), for a teacher not yet scored. */
function configTeacherName(runs: RunData[]): string | undefined {
  for (const r of runs) {
    const teacher = r.config?.teacher as { name?: unknown } | undefined;
    if (typeof teacher?.name === 'string') return teacher.name;
  }
  return undefined;
}

function estimatorsOf(runs: RunData[]): EstimatorInfo[] {
  const seen = new Map<string, EstimatorInfo>();
  for (const r of runs) {
    for (const m of r.energy?.models ?? []) {
      for (const e of m.estimates) {
        if (!seen.has(e.estimator)) {
          seen.set(e.estimator, {
            estimator: e.estimator,
            source: e.source,
            constants: e.constants,
            bits: e.bits ?? {},
          });
        }
      }
    }
  }
  return [...seen.values()];
}

/** Mean and range over the seeds at each step any of them logged. */
function alignSteps(series: Array<Array<{ step: number; value: number }>>): CurvePoint[] {
  const byStep = new Map<number, number[]>();
  for (const s of series) {
    for (const { step, value } of s) {
      if (Number.isFinite(value)) byStep.set(step, [...(byStep.get(step) ?? []), value]);
    }
  }
  return [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([step, values]) => {
      const s = stat(values)!;
      return { step, mean: s.mean, min: s.min, max: s.max, n: s.n };
    });
}

function lossCurves(groups: Group[]): Curve[] {
  const runsOf = (g: Group) => g.variants.filter(isFinished).map((v) => v.run);
  const terms = unique(
    groups.flatMap((g) =>
      runsOf(g).flatMap((r) => r.losses.flatMap((l) => Object.keys(l.terms ?? {}))),
    ),
  );
  const curve = (title: string, pick: (l: RunData['losses'][number]) => number | undefined) => ({
    title,
    y: 'loss',
    series: groups
      .map((g) => ({
        group: g.label,
        points: alignSteps(
          runsOf(g).map((r) =>
            r.losses.map((l) => ({ step: l.step, value: pick(l) ?? Number.NaN })),
          ),
        ),
      }))
      .filter((s) => s.points.length),
  });
  return [
    curve('total loss', (l) => l.loss),
    ...terms.map((t) => curve(`loss term ${t}`, (l) => l.terms?.[t])),
  ].filter((c) => c.series.length);
}

function evalCurves(groups: Group[], sets: string[], metrics: string[]): Curve[] {
  const curves: Curve[] = [];
  for (const set of sets) {
    // Every metric the runs log: PSNR/SSIM for restoration, accuracy for classification.
    for (const metric of metrics) {
      const series = groups
        .map((g) => ({
          group: g.label,
          points: alignSteps(
            g.variants.filter(isFinished).map(({ run }) => {
              const logged = run.metrics
                .filter((m) => m.set === set && m.model[metric] !== undefined)
                .map((m) => ({ step: m.step, value: m.model[metric]! }));
              if (logged.length) return logged;
              // No metrics.jsonl: the final evaluation is the one point there is.
              const final = run.summary?.eval.find((e) => e.set === set)?.model[metric];
              return final === undefined || !run.summary
                ? []
                : [{ step: run.summary.steps, value: final }];
            }),
          ),
        }))
        .filter((s) => s.points.length);
      if (series.length)
        curves.push({ title: `${set} ${metric.toUpperCase()} vs step`, y: metric, series });
    }
  }
  return curves;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
