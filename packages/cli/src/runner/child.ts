import {
  checkConfigPlugins,
  type PluginPackage,
  selectBackend,
  TrainingStoppedError,
} from '@spikedistill/core';
import { trainCommand } from '../commands/train.js';
import { describeError } from '../errors.js';
import { createFullRegistry } from '../packages.js';
import { loadPluginPackages } from '../plugin-loader.js';
import type { FromChild, Outcome, ToChild, VariantTask } from './task.js';

/**
 * The process one variant trains in (forked by `runInChild`): it receives
 * the task, reports log lines and progress, and sends its outcome. A stop
 * message, SIGTERM/SIGINT, or its parent going away stop the run with a
 * checkpoint; with no parent left it then exits, so a killed worker leaves
 * no process writing to a folder the queue will hand to someone else.
 */
const controller = new AbortController();
let finished = false;
const send = (message: FromChild, then?: () => void) => {
  if (process.connected) process.send!(message, undefined, {}, () => then?.());
  else then?.();
};

process.on('disconnect', () => {
  if (finished) return;
  controller.abort();
  // Stopping waits for the current step; an evaluation cannot be interrupted, so do not wait for it.
  setTimeout(() => process.exit(1), 5000).unref();
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => controller.abort());

process.on('message', (message: ToChild) => {
  if (message.type === 'stop') controller.abort();
  else if (message.type === 'run') {
    void run(message.task).then((outcome) => {
      finished = true;
      send(outcome, () => process.exit(0));
    });
  }
});

/** Progress at most every `ms`, and always the last step. */
const PROGRESS_MS = 250;

async function run(task: VariantTask): Promise<Outcome> {
  const log = (line: string) => send({ type: 'log', line });
  try {
    const extra: PluginPackage[] = [];
    for (const source of task.plugins)
      extra.push(...(await loadPluginPackages(source.specs, source.baseDir)));
    const registry = createFullRegistry(task.config.seed, extra);
    checkConfigPlugins(registry, task.config);
    const backend = await selectBackend(registry, task.backend);
    log(`backend: ${backend.name} — ${backend.reason}`);
    let last = 0;
    registry.events.on('run:start', ({ startStep, totalSteps }) =>
      send({ type: 'progress', step: startStep, totalSteps }),
    );
    registry.events.on('step', ({ step, totalSteps, loss }) => {
      const now = performance.now();
      if (now - last < PROGRESS_MS && step < totalSteps) return;
      last = now;
      send({ type: 'progress', step, totalSteps, loss });
    });
    const summary = await trainCommand(registry, task.config, {
      runDir: task.runDir,
      resume: task.resume,
      force: task.force,
      evalLimit: task.evalLimit,
      grid: false,
      runInfo: { label: task.label, values: task.values, id: task.id },
      signal: controller.signal,
      lockClaim: task.lockClaim,
      log,
    });
    return { type: 'done', summary };
  } catch (err) {
    if (err instanceof TrainingStoppedError) return { type: 'stopped', step: err.step };
    const { code, message } = describeError(err);
    // Nobody can rerun a remote variant with --debug: an unexpected error's stack goes to the log now.
    if (code === 'E_INTERNAL' && err instanceof Error && err.stack) log(err.stack);
    return { type: 'failed', code, message };
  }
}
