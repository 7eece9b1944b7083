import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ExperimentConfig,
  expandAblation,
  type Registry,
  type SetScores,
} from '@spikedistill/core';
import { scoresCsv, scoresTable } from '../tables.js';
import { trainCommand } from './train.js';

/** A file-system-safe folder name for a variant label. */
export const variantDir = (label: string) => label.replace(/[^A-Za-z0-9.=_-]+/g, '_').slice(0, 120);

/**
 * Runs every variant of the config's `ablate` sweep (each in its own folder,
 * each resumable), then writes the comparison as a table, CSV and JSON.
 */
export async function ablateCommand(
  registry: Registry,
  config: ExperimentConfig,
  options: { outDir: string; resume: boolean; evalLimit?: number; log: (line: string) => void },
): Promise<Array<{ label: string; scores: SetScores[] }>> {
  const variants = expandAblation(config);
  options.log(`${variants.length} variant(s): ${variants.map((v) => v.label).join(' | ')}`);
  const rows: Array<{ label: string; scores: SetScores[] }> = [];
  for (const variant of variants) {
    const summary = await trainCommand(
      registry,
      { ...variant.config, name: variant.label },
      {
        runDir: join(options.outDir, variantDir(variant.label)),
        resume: options.resume,
        evalLimit: options.evalLimit,
        grid: false,
        log: options.log,
      },
    );
    rows.push({ label: variant.label, scores: summary.eval });
  }
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'ablation.csv'), scoresCsv(rows));
  writeFileSync(join(options.outDir, 'ablation.json'), JSON.stringify(rows, null, 2));
  options.log(scoresTable(rows));
  options.log(`ablation results: ${join(options.outDir, 'ablation.csv')}`);
  return rows;
}
