import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '@spikedistill/core';
import { aggregate } from './aggregate.js';
import { completeRuns } from './complete.js';
import { loadReportData } from './load.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { resultTable } from './table.js';

export { type Aggregate, aggregate, type Group, type Stat, stat } from './aggregate.js';
export {
  isRunFolder,
  type LossLine,
  loadReportData,
  type MetricsLine,
  type ReportData,
  type RunData,
  type RunInfo,
  type TeacherFile,
  type VariantData,
} from './load.js';
export type { SampleImage, SamplesIndex } from './samples.js';
export { type ResultTable, resultTable } from './table.js';

export interface ReportOptions {
  /**
   * With a registry (and its backend active), models are rebuilt from each
   * run's config.json and student.safetensors to write what training does not:
   * `samples/`, `teacher.json`, `energy.json`. Without one, the report shows
   * only what the folders hold.
   */
  registry?: Registry;
  /** Test images per run for the image grids (default 3; 0: none). */
  images?: number;
  /**
   * Score the teacher on the test sets when a run has no teacher.json
   * (default true; once per distinct teacher — a large teacher on a full
   * benchmark set takes a while).
   */
  scoreTeacher?: boolean;
  /** Where the three files go (default: the folder itself). */
  outDir?: string;
  log?: (line: string) => void;
}

export interface ReportFiles {
  html: string;
  md: string;
  csv: string;
  /** What was skipped or missing (also printed in the report). */
  warnings: string[];
}

/**
 * Writes `report.html` (self-contained: charts, images and styles inlined),
 * `report.md` and `report.csv` for a run or ablation folder; returns their
 * paths. Throws `E_NOT_A_RUN` for a folder that is neither.
 */
export async function writeReport(
  folder: string,
  options: ReportOptions = {},
): Promise<ReportFiles> {
  const log = options.log ?? (() => {});
  const data = loadReportData(folder);
  if (options.registry) {
    await completeRuns(data, {
      registry: options.registry,
      images: options.images ?? 3,
      scoreTeacher: options.scoreTeacher ?? true,
      log,
    });
  } else {
    const bare = data.variants.filter((v) => v.status === 'done' && v.run && !v.run.energy);
    if (bare.length) {
      data.warnings.push(
        `${bare.length} run(s) without energy.json or samples/: models were not rebuilt (${bare.some((v) => !v.run?.config) ? 'no config.json' : 'no backend given'})`,
      );
    }
  }
  const agg = aggregate(data);
  const table = resultTable(agg);
  const out = options.outDir ?? data.dir;
  mkdirSync(out, { recursive: true });
  const files = {
    html: join(out, 'report.html'),
    md: join(out, 'report.md'),
    csv: join(out, 'report.csv'),
  };
  writeFileSync(files.html, renderHtml(data, agg, table));
  writeFileSync(files.md, renderMarkdown(data, agg, table));
  writeFileSync(files.csv, renderCsv(table));
  for (const w of data.warnings) log(`warning: ${w}`);
  return { ...files, warnings: data.warnings };
}
