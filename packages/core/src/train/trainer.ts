import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Backbone } from '../contracts/backbone.js';
import type { TrainingData } from '../contracts/dataset.js';
import type { Loss, Metric } from '../contracts/loss.js';
import type { EvalProbe } from '../contracts/probe.js';
import type { LossInputs, Strategy, TeacherRun } from '../contracts/strategy.js';
import { NaNLossError, SpikedistillError, TrainingStoppedError } from '../errors.js';
import type { Events } from '../events.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { saveModule } from '../io/state-dict.js';
import type { Module } from '../nn/module.js';
import { defaultOptimizer } from '../optim/adam.js';
import { clipGradNorm } from '../optim/clip.js';
import { Ema } from '../optim/ema.js';
import type { NamedVariable, Optimizer } from '../optim/optimizer.js';
import type { Schedule } from '../optim/schedule.js';
import { type FrozenModel, tfjsFrozenModel } from '../strategy/frozen.js';
import { tf } from '../tf.js';
import { Checkpoints } from './checkpoint.js';
import { checkTaskFit } from './check-task.js';
import { evaluate, type SetScores } from './evaluate.js';
import { assertFinite } from './finite.js';
import { type LockClaim, RunFolder, type RunFolderMode, truncateJsonl } from './run-folder.js';
import { stepLoss } from './step-loss.js';
import { composeTaskLoss } from './task-loss.js';

export interface TrainerParts {
  student: Backbone;
  teacher?: Backbone;
  /** The engine the teacher runs on (default: the training backend). */
  frozenTeacher?: FrozenModel;
  strategy: Strategy;
  losses: readonly Loss[];
  metrics: readonly Metric[];
  data: TrainingData;
  /** Default: Adam with its default options. */
  optimizer?: Optimizer;
  /** Learning rate per step; default: constant `lr`. */
  schedule?: Schedule;
  /** Read during evaluation (e.g. firing rates of spiking layers). */
  probes?: readonly EvalProbe[];
}

export interface TrainerOptions {
  steps: number;
  batch: number;
  lr: number;
  evalEvery: number;
  checkpointEvery: number;
  logEvery: number;
  /** Clip the global gradient norm to this (none: no clipping). */
  clipGradNorm?: number | null;
  /** Keep an exponential moving average of the student's weights with this decay, and evaluate and save it. */
  ema?: number | null;
  /** Where checkpoints, logs and the final weights go; none: nothing is written. */
  runDir?: string;
  /** Continue from the newest checkpoint in `runDir`. */
  resume?: boolean;
  /** Replace a run that is already in `runDir`. */
  force?: boolean;
  /** Evaluate on at most this many images per set. */
  evalLimit?: number;
  /** Test sets (by name) evaluated during training; every set is evaluated at the end. Default: all. */
  validateOn?: readonly string[];
  /** The resolved config, written to `config.json` and into checkpoints. */
  configJson?: string;
  runName?: string;
  /** Facts about the run for `run.json` (label, swept values, backend …). */
  runInfo?: Record<string, unknown>;
  /**
   * Stops the run between steps: a checkpoint of the step reached is saved
   * and the run rejects with `TrainingStoppedError` (E_STOPPED).
   */
  signal?: AbortSignal;
  /** The scheduler's lease on this run, recorded in `run.lock` (see `LockClaim`). */
  lockClaim?: LockClaim;
}

export interface TrainSummary {
  steps: number;
  startStep: number;
  seconds: number;
  finalLoss: number;
  eval: SetScores[];
  runDir?: string;
  /** Whether the weights evaluated and saved are the moving average. */
  ema?: boolean;
}

/** Settings that may change when a run is resumed (to train longer, log or evaluate differently). */
const RESUMABLE_CHANGES = new Set([
  'train.steps',
  'train.evalEvery',
  'train.checkpointEvery',
  'train.logEvery',
  'name',
  'output',
]);

/**
 * The training loop: batches from the data, the strategy's loss, the
 * optimiser on the student and the strategy's own modules; progress as
 * events. A non-finite loss stops the run before the update and non-finite
 * weights before they are saved. Checkpoints are atomic and a run resumes
 * from the newest one exactly: the data is a pure function of (seed, batch
 * index) and the optimiser state is restored by name.
 */
export async function train(
  parts: TrainerParts,
  options: TrainerOptions,
  events: Events,
): Promise<TrainSummary> {
  const { student, strategy, data } = parts;
  checkParts(parts);
  const mode: RunFolderMode = options.resume ? 'resume' : options.force ? 'force' : 'new';
  const folder = options.runDir
    ? RunFolder.open(options.runDir, mode, options.lockClaim)
    : undefined;
  const optimizer = parts.optimizer ?? defaultOptimizer();
  const schedule = parts.schedule ?? (() => options.lr);
  parts.teacher?.eval();
  const modules: Record<string, Module> = { student };
  for (const [name, m] of Object.entries(strategy.modules())) modules[`strategy.${name}`] = m;
  const params: NamedVariable[] = Object.entries(modules).flatMap(([prefix, m]) =>
    m.namedParameters(prefix).filter(([, v]) => v.trainable),
  );
  const stateful = Object.entries(modules).flatMap(([prefix, m]) => [
    ...m.namedParameters(prefix),
    ...m.namedBuffers(prefix),
  ]);
  const ema = options.ema ? new Ema(student.namedParameters('student'), options.ema) : undefined;
  const checkpoints = folder ? new Checkpoints(folder.path('checkpoints')) : undefined;
  const task = composeTaskLoss(parts.losses);
  const teacherNeeds = strategy.needs.teacher;
  const frozenTeacher =
    parts.frozenTeacher ?? (parts.teacher ? tfjsFrozenModel(parts.teacher) : undefined);
  if (teacherNeeds && !frozenTeacher)
    throw new SpikedistillError('E_CONFIG', `strategy '${strategy.name}' needs a teacher`);

  try {
    // A finished run (its summary and weights written) is not trained again,
    // even where its checkpoints were not kept (results committed without them).
    const done = folder && mode === 'resume' ? finishedRun(folder, options) : undefined;
    if (done) {
      events.emit('log', {
        level: 'info',
        message: `already finished at step ${done.steps}: nothing to do`,
      });
      return done;
    }
    let step = 0;
    if (folder && mode === 'resume')
      step = restore(folder, checkpoints!, { modules, optimizer, ema }, options, data, events);
    if (folder && step === 0) {
      if (options.configJson)
        writeFileAtomic(folder.path('config.json'), pretty(options.configJson));
      writeFileAtomic(
        folder.path('run.json'),
        JSON.stringify(
          {
            name: options.runName ?? 'run',
            startedAt: new Date().toISOString(),
            params: student.parameterCount(),
            ...(parts.teacher ? { teacherParams: parts.teacher.parameterCount() } : {}),
            ...options.runInfo,
          },
          null,
          2,
        ),
      );
    }
    const startStep = step;

    const runName = options.runName ?? 'run';
    events.emit('run:start', { run: runName, totalSteps: options.steps, startStep });
    const started = performance.now();
    let finalLoss = Number.NaN;
    const log = (file: string, line: object) => {
      if (folder) appendFileSync(folder.path(file), `${JSON.stringify(line)}\n`);
    };
    const sets = data.evalSets();
    const validation = options.validateOn?.length
      ? sets.filter((set) => options.validateOn!.includes(set.name))
      : sets;
    const unknownSets = (options.validateOn ?? []).filter((n) => !sets.some((s) => s.name === n));
    if (unknownSets.length) {
      throw new SpikedistillError(
        'E_CONFIG',
        `train.validateOn names ${unknownSets.join(', ')}; the data's test sets are ${sets.map((s) => s.name).join(', ')}`,
      );
    }
    // Mid-run evaluations use the validation sets; the final one every test set.
    const runEval = async (final = false): Promise<SetScores[]> => {
      const run = () =>
        evaluate(student, final ? sets : validation, parts.metrics, {
          limit: options.evalLimit,
          probes: parts.probes,
          task: data.task,
          classNames: data.classNames,
        });
      const scores = ema ? await ema.withAveraged(run) : await run();
      const flat: Record<string, number> = {};
      for (const s of scores) {
        for (const [k, v] of Object.entries(s.model)) flat[`${s.set}/${k}`] = v;
        const { perImage: _, probes, ...line } = s;
        log('metrics.jsonl', { step, ...line, ...probes });
      }
      events.emit('eval', { step, metrics: flat });
      return scores;
    };
    let savedStep = startStep;
    const saveCheckpoint = () => {
      if (!checkpoints) return;
      savedStep = step;
      assertFinite(stateful, step);
      const path = checkpoints.save(
        step,
        { modules, optimizer, ema },
        { config: options.configJson ?? '{}' },
      );
      events.emit('checkpoint', { step, path });
    };

    student.train();
    while (step < options.steps) {
      if (options.signal) {
        // Steps never wait on I/O: give the event loop a turn, or whoever aborts never runs.
        await new Promise((resolve) => setImmediate(resolve));
        if (options.signal.aborted) {
          if (step > savedStep) saveCheckpoint();
          throw new TrainingStoppedError(step);
        }
      }
      const batch = await data.nextBatch(options.batch);
      const t0 = performance.now();
      const lr = schedule(step + 1, options.steps);
      // The frozen teacher runs once, outside the tape: its activations are never recorded.
      const teacherRun = teacherNeeds
        ? await frozenTeacher!.run(batch.input, teacherNeeds)
        : undefined;
      const { loss, terms, grads } = lossAndGrads(
        student,
        strategy,
        { batch, task, teacher: teacherRun, step: step + 1, totalSteps: options.steps },
        params,
      );
      tf.dispose([batch.input, batch.target, ...tensorsOf(teacherRun)]);
      if (!Number.isFinite(loss)) {
        tf.dispose([...grads.values()]);
        throw new NaNLossError(step + 1, { total: loss, ...terms });
      }
      if (options.clipGradNorm) clipGradNorm(grads, options.clipGradNorm);
      optimizer.apply(params, grads, lr);
      tf.dispose([...grads.values()]);
      step++;
      assertFinite(stateful, step);
      ema?.update();
      finalLoss = loss;
      const msPerStep = performance.now() - t0;
      events.emit('step', { step, totalSteps: options.steps, loss, terms, lr, msPerStep });
      if (step % options.logEvery === 0 || step === options.steps)
        log('loss.jsonl', { step, loss, terms, lr, msPerStep });
      if (options.evalEvery > 0 && step % options.evalEvery === 0 && step < options.steps)
        await runEval();
      if (
        options.checkpointEvery > 0 &&
        step % options.checkpointEvery === 0 &&
        step < options.steps
      )
        saveCheckpoint();
    }
    // The weights are safe on disk before the final evaluation, which may fail on bad test data.
    if (step > startStep) saveCheckpoint();
    if (folder) {
      const save = () =>
        saveModule(student, folder.path('student.safetensors'), { step: String(step) });
      if (ema) await ema.withAveraged(save);
      else save();
    }
    const scores = await runEval(true);
    const summary: TrainSummary = {
      steps: step,
      startStep,
      seconds: (performance.now() - started) / 1000,
      finalLoss,
      eval: scores.map(({ perImage: _, ...s }) => s),
      runDir: options.runDir,
      ...(ema ? { ema: true } : {}),
    };
    if (folder) writeFileAtomic(folder.path('summary.json'), JSON.stringify(summary, null, 2));
    events.emit('run:end', { run: runName, steps: step, seconds: summary.seconds });
    return summary;
  } finally {
    optimizer.dispose();
    ema?.dispose();
    folder?.release();
  }
}

function checkParts(parts: TrainerParts): void {
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
}

/** The teacher run's tensors, to free after the step. */
const tensorsOf = (run: TeacherRun | undefined): tf.Tensor[] =>
  run ? [...(run.output ? [run.output] : []), ...Object.values(run.taps)] : [];

/**
 * The student (and the strategy's twins) forward under the gradient tape,
 * the task loss plus the strategy's terms, and the gradient of every
 * trainable parameter (zeros where it has none).
 */
function lossAndGrads(
  student: Backbone,
  strategy: Strategy,
  inputs: Omit<LossInputs, 'student' | 'twins'>,
  params: readonly NamedVariable[],
): { loss: number; terms: Record<string, number>; grads: Map<string, tf.Tensor> } {
  let termNames: string[] = [];
  let termValues: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(
    () => {
      const { total, terms } = stepLoss(student, strategy, inputs);
      termNames = Object.keys(terms);
      termValues = tf.keep(tf.stack(Object.values(terms)));
      return total;
    },
    params.map(([, v]) => v),
  );
  const loss = value.dataSync()[0]!;
  const termData = termValues!.dataSync();
  tf.dispose([value, termValues!]);
  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of params) byName.set(name, grads[v.name] ?? tf.zerosLike(v));
  return {
    loss,
    terms: Object.fromEntries(termNames.map((n, i) => [n, termData[i]!])),
    grads: byName,
  };
}

/** Restores the newest checkpoint and rewinds the data and the logs to it; returns its step. */
function restore(
  folder: RunFolder,
  checkpoints: Checkpoints,
  parts: Parameters<Checkpoints['restore']>[0],
  options: TrainerOptions,
  data: TrainingData,
  events: Events,
): number {
  const { step, metadata } = checkpoints.restore(parts);
  if (options.configJson && metadata.config) checkSameConfig(metadata.config, options.configJson);
  truncateJsonl(folder.path('loss.jsonl'), step);
  truncateJsonl(folder.path('metrics.jsonl'), step);
  if (step === 0) return 0;
  if (data.seek) data.seek(step);
  else
    events.emit('log', {
      level: 'warn',
      message:
        'the data cannot seek: the data order after this resume differs from an uninterrupted run',
    });
  events.emit('log', { level: 'info', message: `resumed from step ${step}` });
  return step;
}

/** The summary of a run in `folder` that reached `options.steps` with the same config, if there is one. */
function finishedRun(folder: RunFolder, options: TrainerOptions): TrainSummary | undefined {
  const summaryPath = folder.path('summary.json');
  if (!existsSync(summaryPath) || !existsSync(folder.path('student.safetensors'))) return undefined;
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as TrainSummary;
  if (summary.steps < options.steps) return undefined;
  const configPath = folder.path('config.json');
  if (options.configJson && existsSync(configPath))
    checkSameConfig(readFileSync(configPath, 'utf8'), options.configJson);
  return summary;
}

/** A resumed run must be the same experiment: only the settings in RESUMABLE_CHANGES may differ. */
function checkSameConfig(saved: string, current: string): void {
  const a = flatten(JSON.parse(saved));
  const b = flatten(JSON.parse(current));
  const changed = [...new Set([...a.keys(), ...b.keys()])].filter(
    (k) =>
      a.get(k) !== b.get(k) &&
      ![...RESUMABLE_CHANGES].some((p) => k === p || k.startsWith(`${p}.`)),
  );
  if (changed.length) {
    throw new SpikedistillError(
      'E_CHECKPOINT',
      `the checkpoint was written by a different config: ${changed
        .slice(0, 5)
        .map((k) => `${k} was ${a.get(k) ?? '(unset)'}, now ${b.get(k) ?? '(unset)'}`)
        .join(
          '; ',
        )}. Resume with the same config (only ${[...RESUMABLE_CHANGES].join(', ')} may change), or start a new run.`,
    );
  }
}

function flatten(
  value: unknown,
  prefix = '',
  out = new Map<string, string>(),
): Map<string, string> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}

const pretty = (json: string) => `${JSON.stringify(JSON.parse(json), null, 2)}\n`;
