import {
  overrideBackend,
  parseRunConfig,
  Registry,
  selectBackend,
  type TrainSummary,
} from '@spikedistill/core';
import asciichart from 'asciichart';
import { createFullRegistry } from '../packages.js';
import { loadPluginPackages } from '../plugin-loader.js';
import { loadReportData, type ReportFiles, writeReport } from '../report/index.js';
import { scoresTable } from '../tables.js';

export interface ReportCommandOptions {
  /** Test images per run to draw (0: none). */
  images: number;
  /** Rebuild models to write samples/, teacher.json and energy.json where missing. */
  run: boolean;
  /** Backend for rebuilding models (default: the first run config's). */
  backend?: string;
  log: (line: string) => void;
}

/**
 * Prints a run's or an ablation's scores (and a run's loss curve) on the
 * terminal, then writes report.html, report.md and report.csv into the folder.
 */
export async function reportCommand(
  folder: string,
  options: ReportCommandOptions,
): Promise<ReportFiles> {
  const { log } = options;
  const data = loadReportData(folder);
  const finished = data.variants.filter((v) => v.run?.summary);
  for (const v of finished.length === 1 ? finished : []) {
    const summary = v.run!.summary as TrainSummary;
    log(
      `${v.dir}: ${summary.steps} steps (from ${summary.startStep}), ${summary.seconds.toFixed(1)} s, final loss ${summary.finalLoss.toFixed(5)}`,
    );
    const losses = v.run!.losses.map((l) => l.loss);
    if (losses.length > 1) {
      const every = Math.max(1, Math.ceil(losses.length / 70));
      log('training loss:');
      log(
        asciichart.plot(
          losses.filter((_, i) => i % every === 0),
          { height: 10, format: (x: number) => x.toFixed(4).padStart(9) },
        ),
      );
    }
  }
  if (finished.length) {
    log(scoresTable(finished.map((v) => ({ label: v.label, scores: v.run!.summary!.eval }))));
  }
  const registry = options.run ? await registryFor(data, options) : undefined;
  const files = await writeReport(folder, { registry, images: options.images, log });
  log(`report: ${files.html}`);
  log(`        ${files.md}`);
  log(`        ${files.csv}`);
  return files;
}

/** A registry with the backend of the first run's config, to rebuild its models; none without a config. */
async function registryFor(
  data: ReturnType<typeof loadReportData>,
  options: ReportCommandOptions,
): Promise<Registry | undefined> {
  const run = data.variants.find((v) => v.status === 'done' && v.run?.config)?.run;
  if (!run) return undefined;
  // Plugin paths are resolved against the run folder; a bare registry knows them.
  const config = parseRunConfig(new Registry(), run.config, run.dir);
  const registry = createFullRegistry(
    config.seed,
    await loadPluginPackages(config.plugins, process.cwd()),
  );
  const selected = await selectBackend(registry, overrideBackend(config.backend, options.backend));
  options.log(`backend: ${selected.name} — ${selected.reason}`);
  return registry;
}
