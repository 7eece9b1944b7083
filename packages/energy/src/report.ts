import type { ModelEnergy } from './measure.js';

export interface EnergyRow {
  model: string;
  estimator: string;
  parameters: number;
  firingRate: number | undefined;
  /** µJ per image. */
  microjoules: number;
  /** This model's energy relative to the reference (first) model. */
  relative: number;
}

/** One row per model and estimator, relative to the first model (the teacher, usually). */
export function compareEnergy(models: readonly ModelEnergy[]): EnergyRow[] {
  const reference = models[0];
  if (!reference) return [];
  return models.flatMap((m) =>
    m.reports.map((r) => {
      const ref = reference.reports.find((x) => x.estimator === r.estimator)!;
      return {
        model: m.model,
        estimator: r.estimator,
        parameters: m.parameters,
        firingRate: m.firingRate,
        microjoules: r.perSamplePj / 1e6,
        relative: r.perSamplePj / ref.perSamplePj,
      };
    }),
  );
}

/** `k=v pJ, …` then the bit widths, for printing beside any energy figure. */
export function describeConstants(r: {
  constants: Record<string, number>;
  bits: Record<string, number>;
}): string {
  const pj = Object.entries(r.constants).map(([k, v]) => `${k}=${v} pJ`);
  const bits = Object.entries(r.bits).map(([k, v]) => `${k} ${v} bit`);
  return [...pj, ...(bits.length ? [`widths: ${bits.join(', ')}`] : [])].join(', ');
}

/** A plain-text table with the constants of each estimator under it: never a bare "× less energy". */
export function formatEnergyTable(models: readonly ModelEnergy[]): string {
  const rows = compareEnergy(models);
  const header = ['model', 'estimator', 'params', 'firing rate', 'µJ / image', 'vs first'];
  const body = rows.map((r) => [
    r.model,
    r.estimator,
    r.parameters.toLocaleString('en-US'),
    r.firingRate === undefined ? '—' : r.firingRate.toFixed(3),
    r.microjoules.toFixed(3),
    r.relative === 1
      ? '1'
      : r.relative < 1
        ? `1/${(1 / r.relative).toFixed(1)}`
        : `${r.relative.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const estimators = [
    ...new Map(models.flatMap((m) => m.reports.map((r) => [r.estimator, r]))).values(),
  ];
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    'constants:',
    ...estimators.map((r) => `  ${r.estimator}: ${describeConstants(r)}\n    (${r.source})`),
  ].join('\n');
}
