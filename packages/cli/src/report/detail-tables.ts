import type { Aggregate, Stat } from './aggregate.js';

/** A small table of text cells, rendered alike in HTML and markdown. */
export interface DetailTable {
  title: string;
  head: string[];
  rows: string[][];
}

const meanStd = (s: Stat | undefined, digits: number) =>
  !s
    ? '—'
    : s.std === undefined
      ? s.mean.toFixed(digits)
      : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;

/** Counts are integers; their mean over seeds may be a half. */
const count = (s: Stat) => meanStd(s, Number.isInteger(s.mean) && !s.std ? 0 : 1);

/** Class keys in their natural order: 0, 1, …, 10 rather than 0, 1, 10. */
const byClass = (a: string, b: string) =>
  Number.isFinite(Number(a)) && Number.isFinite(Number(b))
    ? Number(a) - Number(b)
    : a.localeCompare(b);

/** Per set: one row per group, one column per class, top-1 accuracy mean ± std over seeds. */
export function perClassTables(agg: Aggregate): DetailTable[] {
  const sets = [...new Set(agg.groups.flatMap((g) => Object.keys(g.perClass)))];
  return sets.map((set) => {
    const classes = [
      ...new Set(agg.groups.flatMap((g) => Object.keys(g.perClass[set] ?? {}))),
    ].sort(byClass);
    return {
      title: `${set}: top-1 accuracy per class`,
      head: ['', ...classes],
      rows: agg.groups
        .filter((g) => g.perClass[set])
        .map((g) => [g.label, ...classes.map((k) => meanStd(g.perClass[set]![k], 4))]),
    };
  });
}

/**
 * Per group with a ternary student: each saved ternary tensor's size, Δ and
 * how many of its weights are −Δ, 0, +Δ (mean ± std over seeds, counted in
 * the saved codes), and the whole student's totals.
 */
export function ternaryTables(agg: Aggregate): DetailTable[] {
  return agg.groups
    .filter((g) => g.ternary.length)
    .map((g) => {
      const rows = g.ternary.map((t) => [
        t.name,
        String(t.size),
        meanStd(t.scale, 4),
        count(t.negative),
        count(t.zero),
        count(t.positive),
        `${((100 * t.zero.mean) / t.size).toFixed(1)} %`,
      ]);
      const sum = (pick: (t: (typeof g.ternary)[number]) => number) =>
        g.ternary.reduce((n, t) => n + pick(t), 0);
      const size = sum((t) => t.size);
      const total = (pick: (t: (typeof g.ternary)[number]) => number) => {
        const v = sum(pick);
        return Number.isInteger(v) ? String(v) : v.toFixed(1);
      };
      rows.push([
        'all ternary tensors',
        String(size),
        '',
        total((t) => t.negative.mean),
        total((t) => t.zero.mean),
        total((t) => t.positive.mean),
        `${((100 * sum((t) => t.zero.mean)) / size).toFixed(1)} %`,
      ]);
      return {
        title: `${g.label}: ternary weights (${g.seeds.length} seed${g.seeds.length === 1 ? '' : 's'})`,
        head: ['tensor', 'weights', 'Δ', '−Δ', '0', '+Δ', 'zeros'],
        rows,
      };
    });
}
