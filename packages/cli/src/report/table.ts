import type { Aggregate, Stat } from './aggregate.js';

/** One cell: the raw numbers (for CSV and tests) and how it reads. */
export interface Cell {
  mean: number | undefined;
  std?: number;
  text: string;
}

export interface Column {
  key: string;
  title: string;
}

export interface ResultRow {
  role: 'teacher' | 'input' | 'student';
  label: string;
  /** Seeds behind a student row. */
  seeds: number | undefined;
  failed: number;
  pending: number;
  values: Record<string, unknown>;
  cells: Record<string, Cell>;
}

export interface ResultTable {
  /** Swept settings without the seed: one column each. */
  axes: string[];
  columns: Column[];
  rows: ResultRow[];
}

/** PSNR in dB to 2 decimals; the [0, 1] scores (SSIM, accuracy, top-k) to 4. */
const digits = (metric: string) => (metric === 'psnr' ? 2 : 4);

function fmt(v: number | undefined, d: number): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return v.toFixed(d);
}

function statCell(s: Stat | undefined, d: number): Cell {
  if (!s) return { mean: undefined, text: '—' };
  return {
    mean: s.mean,
    std: s.std,
    text: s.std === undefined ? fmt(s.mean, d) : `${fmt(s.mean, d)} ± ${fmt(s.std, d)}`,
  };
}

const plain = (v: number | undefined, d: number): Cell => ({ mean: v, text: fmt(v, d) });

/** `312×` for teacher/student ratios: the teacher's amount over the model's. */
const ratioCell = (teacher: number | undefined, model: number | undefined): Cell => {
  if (!teacher || !model) return { mean: undefined, text: '—' };
  const r = teacher / model;
  return { mean: r, text: `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×` };
};

/** Energy in µJ with 3 significant digits: students and teachers differ by orders of magnitude. */
const energyText = (v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The spread over seeds to the mean's last digit: `35.3 ± 0.0`, not `35.3 ± 0.0000197`. */
const energySpread = (mean: number, std: number) =>
  std.toFixed(energyText(mean).split('.')[1]?.length ?? 0);

/**
 * The results table: the teacher, the noisy input, then one row per group of
 * seeds (mean ± std). Columns: every set × metric, parameters and their
 * ratio teacher/model, then µJ per image and the energy ratio teacher/model
 * for each estimator.
 */
export function resultTable(agg: Aggregate): ResultTable {
  const columns: Column[] = [];
  for (const set of agg.sets) {
    for (const metric of agg.metrics) {
      columns.push({ key: `${set}/${metric}`, title: `${set} ${metric.toUpperCase()}` });
    }
  }
  columns.push({ key: 'params', title: 'params' });
  columns.push({ key: 'params_ratio', title: 'params teacher/model' });
  for (const e of agg.estimators) {
    columns.push({ key: `energy/${e.estimator}`, title: `µJ/image ${e.estimator}` });
    columns.push({
      key: `energy_ratio/${e.estimator}`,
      title: `energy teacher/model ${e.estimator}`,
    });
  }
  const axes = [...new Set(agg.groups.flatMap((g) => Object.keys(g.values)))];
  const rows: ResultRow[] = [];
  const teacher = agg.teacher;
  if (teacher) {
    const cells: Record<string, Cell> = {};
    for (const set of agg.sets) {
      for (const m of agg.metrics)
        cells[`${set}/${m}`] = plain(teacher.scores[set]?.[m], digits(m));
    }
    cells.params = {
      mean: teacher.parameters,
      text: teacher.parameters?.toLocaleString('en-US') ?? '—',
    };
    cells.params_ratio = ratioCell(teacher.parameters, teacher.parameters);
    for (const e of agg.estimators) {
      const uj = teacher.energy[e.estimator];
      cells[`energy/${e.estimator}`] = { mean: uj, text: uj === undefined ? '—' : energyText(uj) };
      cells[`energy_ratio/${e.estimator}`] = ratioCell(uj, uj);
    }
    rows.push({
      role: 'teacher',
      label: `teacher ${teacher.model}`,
      seeds: undefined,
      failed: 0,
      pending: 0,
      values: {},
      cells,
    });
  }
  const inputCells: Record<string, Cell> = {};
  for (const set of agg.sets) {
    for (const m of agg.metrics) inputCells[`${set}/${m}`] = plain(agg.input[set]?.[m], digits(m));
  }
  // A classifier's input has no scores of its own: no row of dashes.
  if (Object.values(inputCells).some((c) => c.mean !== undefined)) {
    rows.push({
      role: 'input',
      label: 'noisy input',
      seeds: undefined,
      failed: 0,
      pending: 0,
      values: {},
      cells: inputCells,
    });
  }
  for (const g of agg.groups) {
    const cells: Record<string, Cell> = {};
    for (const set of agg.sets) {
      for (const m of agg.metrics) cells[`${set}/${m}`] = statCell(g.scores[set]?.[m], digits(m));
    }
    cells.params = { mean: g.params, text: g.params?.toLocaleString('en-US') ?? '—' };
    cells.params_ratio = ratioCell(teacher?.parameters, g.params);
    for (const e of agg.estimators) {
      const s = g.energy[e.estimator];
      cells[`energy/${e.estimator}`] = s
        ? {
            mean: s.mean,
            std: s.std,
            text:
              s.std === undefined
                ? energyText(s.mean)
                : `${energyText(s.mean)} ± ${energySpread(s.mean, s.std)}`,
          }
        : { mean: undefined, text: '—' };
      cells[`energy_ratio/${e.estimator}`] = ratioCell(teacher?.energy[e.estimator], s?.mean);
    }
    rows.push({
      role: 'student',
      label: g.label,
      seeds: g.seeds.length,
      failed: g.failed,
      pending: g.pending,
      values: g.values,
      cells,
    });
  }
  return { axes, columns, rows };
}

/** `eMac=4.6 pJ, …; widths: …` — printed under every energy figure. */
export function constantsText(e: Aggregate['estimators'][number]): string {
  const pj = Object.entries(e.constants).map(([k, v]) => `${k} = ${v} pJ`);
  const bits = Object.entries(e.bits).map(([k, v]) => `${k} ${v} bit`);
  return [pj.join(', '), bits.length ? `bit widths: ${bits.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}
