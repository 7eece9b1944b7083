import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainSummary } from '@spikedistill/core';
import asciichart from 'asciichart';
import { scoresTable } from '../tables.js';

/** Summarises a run folder: scores, time, and the loss curve as a terminal chart. */
export function reportCommand(runDir: string, log: (line: string) => void): void {
  const summaryPath = join(runDir, 'summary.json');
  if (!existsSync(summaryPath))
    throw new Error(`${runDir} has no summary.json: is it a finished run folder?`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as TrainSummary;
  log(
    `${runDir}: ${summary.steps} steps (from ${summary.startStep}), ${summary.seconds.toFixed(1)} s, final loss ${summary.finalLoss.toFixed(5)}`,
  );
  log(scoresTable([{ label: runDir, scores: summary.eval }]));
  const lossPath = join(runDir, 'loss.jsonl');
  if (existsSync(lossPath)) {
    const losses = readFileSync(lossPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { loss: number }).loss);
    if (losses.length > 1) {
      const step = Math.max(1, Math.ceil(losses.length / 70));
      const sampled = losses.filter((_, i) => i % step === 0);
      log('training loss:');
      log(
        asciichart.plot(sampled, { height: 10, format: (x: number) => x.toFixed(4).padStart(9) }),
      );
    }
  }
}
