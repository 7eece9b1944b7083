import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Backbone } from '../contracts/backbone.js';
import type { TrainingData } from '../contracts/dataset.js';
import type { Loss, Metric } from '../contracts/loss.js';
import type { Strategy } from '../contracts/strategy.js';
import { NaNLossError, SpikedistillError } from '../errors.js';
import type { Events } from '../events.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { saveModule } from '../io/state-dict.js';
import type { Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { Checkpoints } from './checkpoint.js';
import { checkTaskFit } from './check-task.js';
import { evaluate, type SetScores } from './evaluate.js';
import { composeTaskLoss } from './task-loss.js';

export interface TrainerParts {
  student: Backbone;
  teacher?: Backbone;
  strategy: Strategy;
  losses: readonly Loss[];
  metrics: readonly Metric[];
  data: TrainingData;
}

export interface TrainerOptions {
  steps: number;
  batch: number;
  lr: number;
  evalEvery: number;
  checkpointEvery: number;
  logEvery: number;
  /** Where checkpoints, the loss log and the final weights go; none: nothing is written. */
  runDir?: string;
  /** Continue from the newest checkpoint in `runDir` if there is one. */
  resume?: boolean;
  /** Evaluate on at most this many images per set. */
  evalLimit?: number;
  /** Stored in checkpoints so a run can be traced to its config. */
  configJson?: string;
  runName?: string;
}

export interface TrainSummary {
  steps: number;
  startStep: number;
  seconds: number;
  finalLoss: number;
  eval: SetScores[];
  runDir?: string;
}

/**
 * The training loop: batches from the data, the strategy's loss, Adam on the
 * student and the strategy's own modules; progress as events, a NaN loss
 * stops the run before it corrupts the weights, checkpoints are atomic and a
 * run resumes from the newest one.
 */
export async function train(
  parts: TrainerParts,
  options: TrainerOptions,
  events: Events,
): Promise<TrainSummary> {
  const { student, strategy, data } = parts;
  if (strategy.needsTeacher && !parts.teacher) {
    throw new SpikedistillError(
      'E_CONFIG',
      `strategy '${strategy.name}' needs a teacher: add \`teacher:\` to the config`,
    );
  }
  if (student.inputChannels !== data.channels) {
    throw new SpikedistillError(
      'E_CONFIG',
      `student takes ${student.inputChannels}-channel input but the data has ${data.channels} channel(s): set student.options.channels`,
    );
  }
  checkTaskFit(parts);
  parts.teacher?.eval();
  const modules: Record<string, Module> = { student };
  for (const [name, m] of Object.entries(strategy.modules())) modules[`strategy.${name}`] = m;
  const variables = Object.values(modules).flatMap((m) => m.trainableVariables());
  const optimizer = tf.train.adam(options.lr);
  const task = composeTaskLoss(parts.losses);
  const checkpoints = options.runDir
    ? new Checkpoints(join(options.runDir, 'checkpoints'))
    : undefined;
  const lossLog = options.runDir ? join(options.runDir, 'loss.jsonl') : undefined;
  if (options.runDir) mkdirSync(options.runDir, { recursive: true });

  let step = 0;
  if (options.resume && checkpoints) {
    step = await checkpoints.restore({ modules, optimizer });
    if (step > 0) {
      if (data.seek) data.seek(step);
      else
        events.emit('log', {
          level: 'warn',
          message: 'data source cannot seek: data order after resume differs',
        });
      events.emit('log', { level: 'info', message: `resumed from step ${step}` });
    }
  }
  const startStep = step;
  const runName = options.runName ?? 'run';
  events.emit('run:start', { run: runName, totalSteps: options.steps, startStep });
  const started = performance.now();
  let finalLoss = Number.NaN;
  let scores: SetScores[] = [];

  const runEval = async () => {
    scores = await evaluate(student, data.evalSets(), parts.metrics, {
      limit: options.evalLimit,
      task: data.task,
      classNames: data.classNames,
    });
    const flat: Record<string, number> = {};
    for (const s of scores) for (const [k, v] of Object.entries(s.model)) flat[`${s.set}/${k}`] = v;
    events.emit('eval', { step, metrics: flat });
  };
  const saveCheckpoint = async () => {
    if (!checkpoints) return;
    const path = await checkpoints.save(
      step,
      { modules, optimizer },
      { config: options.configJson ?? '{}' },
    );
    events.emit('checkpoint', { step, path });
  };

  student.train();
  while (step < options.steps) {
    const batch = await data.nextBatch(options.batch);
    const t0 = performance.now();
    let termNames: string[] = [];
    let termValues: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const loss = strategy.loss(batch, task);
      termNames = Object.keys(loss.terms);
      termValues = tf.keep(tf.stack(Object.values(loss.terms)));
      return loss.total;
    }, variables);
    const lossValue = value.dataSync()[0]!;
    const termData = termValues!.dataSync();
    const terms = Object.fromEntries(termNames.map((n, i) => [n, termData[i]!]));
    tf.dispose([value, termValues!, batch.input, batch.target]);
    if (!Number.isFinite(lossValue)) {
      tf.dispose(grads);
      throw new NaNLossError(step + 1, { total: lossValue, ...terms });
    }
    // Adam matches its slots to variables by position: every variable needs a gradient every step.
    for (const v of variables) grads[v.name] ??= tf.zerosLike(v);
    optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
    tf.dispose(grads);
    step++;
    finalLoss = lossValue;
    const msPerStep = performance.now() - t0;
    events.emit('step', {
      step,
      totalSteps: options.steps,
      loss: lossValue,
      terms,
      lr: options.lr,
      msPerStep,
    });
    if (lossLog && (step % options.logEvery === 0 || step === options.steps)) {
      appendFileSync(lossLog, `${JSON.stringify({ step, loss: lossValue, terms, msPerStep })}\n`);
    }
    if (options.evalEvery > 0 && step % options.evalEvery === 0 && step < options.steps)
      await runEval();
    if (
      options.checkpointEvery > 0 &&
      step % options.checkpointEvery === 0 &&
      step < options.steps
    ) {
      await saveCheckpoint();
    }
  }
  await runEval();
  if (step > startStep) await saveCheckpoint();
  if (options.runDir) {
    saveModule(student, join(options.runDir, 'student.safetensors'), { step: String(step) });
  }
  optimizer.dispose();
  const seconds = (performance.now() - started) / 1000;
  const summary: TrainSummary = {
    steps: step,
    startStep,
    seconds,
    finalLoss,
    eval: scores,
    runDir: options.runDir,
  };
  if (options.runDir)
    writeFileAtomic(join(options.runDir, 'summary.json'), JSON.stringify(summary, null, 2));
  events.emit('run:end', { run: runName, steps: step, seconds });
  return summary;
}
