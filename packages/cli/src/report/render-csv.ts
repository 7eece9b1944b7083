import { valueLabel } from '@spikedistill/core';
import type { ResultTable } from './table.js';

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * The results table as CSV: a row per teacher / noisy input / group of
 * seeds, one column per swept setting, then each value's mean and std.
 */
export function renderCsv(table: ResultTable): string {
  const head = [
    'row',
    'label',
    ...table.axes,
    'seeds',
    ...table.columns.flatMap((c) => [c.key, `${c.key}_std`]),
  ];
  const lines = [head.map(quote).join(',')];
  for (const row of table.rows) {
    lines.push(
      [
        row.role,
        row.label,
        ...table.axes.map((a) => (a in row.values ? valueLabel(row.values[a]) : '')),
        row.seeds === undefined ? '' : String(row.seeds),
        ...table.columns.flatMap((c) => {
          const cell = row.cells[c.key];
          return [
            cell?.mean === undefined ? '' : String(cell.mean),
            cell?.std === undefined ? '' : String(cell.std),
          ];
        }),
      ]
        .map(quote)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
