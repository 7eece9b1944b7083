import type { Aggregate, Group } from './aggregate.js';
import type { DetailTable } from './detail-tables.js';
import { isFinished, type RunData } from './load.js';

/**
 * How much faster a strategy converges: for each group that differs from a
 * `strategy: none` group only in its strategy, and for each seed, the first
 * evaluation step at which the group's validation score reaches the final
 * score of the `none` run with the same seed, as a step and as a fraction of
 * the training budget. One table per validation set (a set evaluated at more
 * than one step), on that set's first metric (PSNR, accuracy: higher is better).
 */
export function convergenceTables(agg: Aggregate): DetailTable[] {
  const pairs = agg.groups.flatMap((g) => {
    const base = baselineOf(agg.groups, g);
    return base ? [{ group: g, base }] : [];
  });
  if (!pairs.length) return [];
  const tables: DetailTable[] = [];
  for (const set of agg.sets) {
    const metric = validationMetric(pairs[0]!.base, set);
    if (!metric) continue;
    const seeds = [...new Set(pairs.flatMap((p) => p.group.seeds))].sort((a, b) => a - b);
    const rows = pairs
      .filter(({ group }) => group.seeds.length)
      .map(({ group, base }) => {
        const fractions: number[] = [];
        const cells = seeds.map((seed) => {
          const run = runOf(group, seed);
          const target = finalScore(runOf(base, seed), set, metric);
          if (!run || target === undefined) return '—';
          const budget = run.summary?.steps;
          const curve = scores(run, set, metric);
          const reached = curve.find((p) => p.value >= target);
          if (!reached) {
            const last = curve.at(-1);
            return last ? `not reached (${signed(last.value - target)})` : '—';
          }
          if (budget) fractions.push(reached.step / budget);
          return budget
            ? `${reached.step} (${percent(reached.step / budget)})`
            : String(reached.step);
        });
        const mean = fractions.length
          ? percent(fractions.reduce((a, b) => a + b, 0) / fractions.length)
          : '—';
        return [
          group.label,
          ...cells,
          `${mean}${fractions.length > 0 && fractions.length < group.seeds.length ? ' (of those reached)' : ''}`,
        ];
      });
    if (!rows.length) continue; // e.g. every distilled variant still pending
    tables.push({
      title: `${set} ${metric.toUpperCase()}: the step at which each strategy first reaches the final score of strategy=none (same seed)`,
      head: ['', ...seeds.map((s) => `seed ${s}`), 'mean fraction of the budget'],
      rows,
    });
  }
  return tables;
}

const strategyName = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && 'name' in v
      ? String((v as { name: unknown }).name)
      : undefined;

/** The `strategy: none` group with the same other swept values, unless `g` is one. */
function baselineOf(groups: Group[], g: Group): Group | undefined {
  if (!('strategy' in g.values) || strategyName(g.values.strategy) === 'none') return undefined;
  const { strategy: _, ...rest } = g.values;
  const key = JSON.stringify(rest);
  return groups.find((b) => {
    const { strategy, ...others } = b.values;
    return strategyName(strategy) === 'none' && JSON.stringify(others) === key;
  });
}

function runOf(g: Group, seed: number): RunData | undefined {
  return g.variants.filter(isFinished).find((v) => v.seed === seed)?.run;
}

/** The set's first metric, when the baseline evaluated the set at more than one step. */
function validationMetric(base: Group, set: string): string | undefined {
  for (const v of base.variants.filter(isFinished)) {
    const lines = v.run.metrics.filter((m) => m.set === set);
    if (lines.length > 1) return Object.keys(lines[0]!.model)[0];
  }
  return undefined;
}

function scores(run: RunData, set: string, metric: string) {
  return run.metrics
    .filter((m) => m.set === set && Number.isFinite(m.model[metric]))
    .map((m) => ({ step: m.step, value: m.model[metric]! }))
    .sort((a, b) => a.step - b.step);
}

function finalScore(run: RunData | undefined, set: string, metric: string): number | undefined {
  return run ? scores(run, set, metric).at(-1)?.value : undefined;
}

const percent = (f: number) => `${Math.round(f * 100)} %`;
const signed = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)}`;
