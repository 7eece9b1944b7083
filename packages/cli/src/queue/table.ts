import Table from 'cli-table3';

/** Where a variant stands in a queued grid. */
export type GridState = 'queued' | 'running' | 'retrying' | 'done' | 'failed';

export interface GridRow {
  label: string;
  state: GridState;
  /** The worker running it, or the one that ran it. */
  worker?: string;
  step?: number;
  totalSteps?: number;
  loss?: number;
  /** Attempts made so far (failed ones), and allowed. */
  attemptsMade?: number;
  attempts?: number;
  /** The last attempt's error (failed or retrying). */
  error?: string;
}

const ORDER: GridState[] = ['running', 'retrying', 'queued', 'done', 'failed'];
/** Errors are cut in the table; ablation.json keeps them whole. */
const ERROR_WIDTH = 60;

/** One line of counts: `6 variants: 2 running, 1 queued, 2 done, 1 failed`. */
export function gridCounts(rows: readonly GridRow[]): string {
  const parts = ORDER.map((s) => [s, rows.filter((r) => r.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return `${rows.length} variant${rows.length === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}`;
}

/**
 * The live table of a grid on the queue, one row per variant in grid order:
 * its state, the worker on it, its step and loss, and the error of a failed
 * or retried attempt; then the counts.
 */
export function renderGridTable(rows: readonly GridRow[]): string {
  const table = new Table({
    head: ['variant', 'state', 'worker', 'step', 'loss', 'note'],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.label,
      row.state,
      row.worker ?? '',
      row.step === undefined ? '' : `${row.step}/${row.totalSteps ?? '?'}`,
      row.loss === undefined ? '' : row.loss.toPrecision(4),
      note(row),
    ]);
  }
  return `${table.toString()}\n${gridCounts(rows)}`;
}

function note(row: GridRow): string {
  const error = row.error ? cut(row.error, ERROR_WIDTH) : '';
  if (row.state === 'retrying')
    return `attempt ${(row.attemptsMade ?? 0) + 1}/${row.attempts ?? '?'} after: ${error}`;
  if (row.state === 'failed') {
    const tries =
      row.attempts && row.attempts > 1 ? ` (${row.attemptsMade}/${row.attempts} attempts)` : '';
    return `${error}${tries}`;
  }
  return '';
}

const cut = (text: string, width: number) =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;
