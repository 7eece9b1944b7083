import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { convergenceTables } from './convergence.js';
import type { ReportData, RunData, VariantData } from './load.js';

/** A finished run whose Set12 PSNR follows `curve` at steps 100, 200, …; BSD68 only at the end. */
function run(curve: number[]): RunData {
  const steps = curve.length * 100;
  const line = (step: number, set: string, psnr: number) => ({
    step,
    set,
    images: 12,
    model: { psnr, ssim: psnr / 100 },
    input: { psnr: 20 },
  });
  return {
    dir: 'd',
    summary: {
      steps,
      startStep: 0,
      seconds: 1,
      finalLoss: 1,
      eval: [line(steps, 'Set12', curve.at(-1)!), line(steps, 'BSD68', curve.at(-1)! - 1)],
    },
    losses: [],
    metrics: [
      ...curve.map((psnr, i) => line((i + 1) * 100, 'Set12', psnr)),
      line(steps, 'BSD68', curve.at(-1)! - 1),
    ],
    hasWeights: false,
    ternary: [],
  };
}

function variant(strategy: string, seed: number, curve: number[], extra = {}): VariantData {
  return {
    label: `strategy=${strategy},${Object.entries(extra)
      .map(([k, v]) => `${k}=${v},`)
      .join('')}seed=${seed}`,
    dir: `${strategy}-${seed}`,
    values: { strategy: { name: strategy }, ...extra, seed },
    seed,
    status: 'done',
    run: run(curve),
  };
}

const data = (variants: VariantData[]): ReportData => ({
  kind: 'ablation',
  name: 'a',
  dir: '/a',
  axes: ['strategy', 'seed'],
  variants,
  warnings: [],
});

describe('convergence table', () => {
  it('gives, per seed, the first step reaching the same-seed none run’s final validation score', () => {
    const agg = aggregate(
      data([
        variant('none', 1, [20, 22, 24, 25]), // final 25
        variant('none', 2, [21, 23, 24, 26]), // final 26
        variant('hint', 1, [22, 25, 26, 27]), // reaches 25 at step 200
        variant('hint', 2, [22, 24, 26, 26.5]), // reaches 26 at 300
        variant('tna', 1, [19, 21, 23, 24.5]), // never: 0.5 dB short
        variant('tna', 2, [20, 23, 25, 26]), // reaches 26 exactly at the end
      ]),
    );
    const tables = convergenceTables(agg);
    // Set12 only: BSD68 was evaluated once, at the end.
    expect(tables).toHaveLength(1);
    expect(tables[0]!.title).toMatch(/^Set12 PSNR: /);
    expect(tables[0]!.head).toEqual(['', 'seed 1', 'seed 2', 'mean fraction of the budget']);
    expect(tables[0]!.rows).toEqual([
      ['strategy=hint', '200 (50 %)', '300 (75 %)', '63 %'],
      ['strategy=tna', 'not reached (−0.500)', '400 (100 %)', '100 % (of those reached)'],
    ]);
  });

  it('compares only with the none run of the same other settings, and needs one', () => {
    const agg = aggregate(
      data([
        variant('none', 1, [20, 24], { T: 4 }),
        variant('none', 1, [20, 22], { T: 2 }),
        variant('hint', 1, [23, 25], { T: 2 }), // T=2's none ends at 22: reached at 100
        variant('hint', 1, [21, 23], { T: 1 }), // no none at T=1: no row
      ]),
    );
    const [table] = convergenceTables(agg);
    expect(table!.rows).toEqual([['strategy=hint, T=2', '100 (50 %)', '50 %']]);
    expect(convergenceTables(aggregate(data([variant('hint', 1, [20, 21])])))).toEqual([]);
    // A grid still running: the hint runs not trained yet make no (empty) table.
    const pending: VariantData = { ...variant('hint', 1, [20]), status: 'pending', run: undefined };
    expect(convergenceTables(aggregate(data([variant('none', 1, [20, 22]), pending])))).toEqual([]);
  });
});
