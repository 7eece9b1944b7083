import type { SetScores } from '@spikedistill/core';
import Table from 'cli-table3';

/** Rows of `label × set`, columns the metrics of the model and of the noisy input. */
export function scoresTable(rows: Array<{ label: string; scores: SetScores[] }>): string {
  const metrics = [...new Set(rows.flatMap((r) => r.scores.flatMap((s) => Object.keys(s.model))))];
  const table = new Table({
    head: [
      'run',
      'set',
      'images',
      ...metrics.map((m) => `${m}`),
      ...metrics.map((m) => `input ${m}`),
    ],
    style: { head: [], border: [] },
  });
  for (const { label, scores } of rows) {
    for (const s of scores) {
      table.push([
        label,
        s.set,
        String(s.images),
        ...metrics.map((m) => fmt(s.model[m])),
        ...metrics.map((m) => fmt(s.input[m])),
      ]);
    }
  }
  return table.toString();
}

const fmt = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(v > 2 ? 2 : 4));

/** The same rows as CSV, for spreadsheets and plotting scripts. */
export function scoresCsv(rows: Array<{ label: string; scores: SetScores[] }>): string {
  const metrics = [...new Set(rows.flatMap((r) => r.scores.flatMap((s) => Object.keys(s.model))))];
  const lines = [
    ['run', 'set', 'images', ...metrics, ...metrics.map((m) => `input_${m}`)].join(','),
  ];
  for (const { label, scores } of rows) {
    for (const s of scores) {
      lines.push(
        [
          JSON.stringify(label),
          s.set,
          s.images,
          ...metrics.map((m) => s.model[m] ?? ''),
          ...metrics.map((m) => s.input[m] ?? ''),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
