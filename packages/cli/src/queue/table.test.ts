import { describe, expect, it } from 'vitest';
import { gridCounts, renderGridTable } from './table.js';

describe('the grid table', () => {
  it('shows each variant’s state, worker, step, loss and error, then the counts', () => {
    const text = renderGridTable([
      {
        label: 'lr=0.001',
        state: 'running',
        worker: 'a:12',
        step: 12,
        totalSteps: 40,
        loss: 0.0123456,
      },
      { label: 'lr=0.002', state: 'queued' },
      { label: 'lr=0.003', state: 'done', worker: 'b:13', step: 40, totalSteps: 40, loss: 0.01 },
      {
        label: 'lr=1e+38',
        state: 'retrying',
        attemptsMade: 1,
        attempts: 2,
        error: 'E_NAN_LOSS: Loss became non-finite at step 2 (total=Infinity, task.l1=Infinity).',
      },
      { label: 'lr=2', state: 'failed', attemptsMade: 2, attempts: 2, error: 'E_CONFIG: bad' },
    ]);
    const lines = text.split('\n');
    const cells = lines
      .filter((l) => l.startsWith('│'))
      .map((l) =>
        l
          .split('│')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    expect(cells).toEqual([
      ['variant', 'state', 'worker', 'step', 'loss', 'note'],
      ['lr=0.001', 'running', 'a:12', '12/40', '0.01235', ''],
      ['lr=0.002', 'queued', '', '', '', ''],
      ['lr=0.003', 'done', 'b:13', '40/40', '0.01000', ''],
      // Long errors are cut in the table (ablation.json keeps them whole).
      [
        'lr=1e+38',
        'retrying',
        '',
        '',
        '',
        'attempt 2/2 after: E_NAN_LOSS: Loss became non-finite at step 2 (total=Infinit…',
      ],
      ['lr=2', 'failed', '', '', '', 'E_CONFIG: bad (2/2 attempts)'],
    ]);
    // Every row is as wide as the header: the columns line up.
    expect(new Set(lines.slice(0, -1).map((l) => l.length)).size).toBe(1);
    expect(lines.at(-1)).toBe('5 variants: 1 running, 1 retrying, 1 queued, 1 done, 1 failed');
  });

  it('counts only the states present', () => {
    expect(gridCounts([{ label: 'a', state: 'done' }])).toBe('1 variant: 1 done');
    expect(gridCounts([])).toBe('0 variants: none');
  });
});
