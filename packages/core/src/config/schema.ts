import { z } from 'zod';
import { filePath, ref } from './ref.js';

/** `{ name, options }`: how a config refers to a plugin. */
export const pluginRef = z.strictObject({
  name: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A model reference may also name a weights file (safetensors) to load, and
 * a quantiser its weights are trained, saved and evaluated with.
 */
export const modelRef = pluginRef.extend({
  weights: filePath('file').optional(),
  quantizer: ref('quantizer').nullable().optional(),
  /**
   * Where a frozen model (the teacher) runs: ONNX Runtime, the training
   * backend (tfjs), or auto (ONNX Runtime when it loads). Default auto.
   */
  engine: z.enum(['auto', 'onnx', 'tfjs']).optional(),
});

const count = (max: number) => z.number().int().max(max);

export const trainOptions = z.strictObject({
  steps: count(1e9).positive().default(1000),
  batch: count(4096).positive().default(8),
  /** The base learning rate; the schedule scales it per step. */
  lr: z.number().positive().max(10).default(2e-4),
  optimizer: ref('optimizer', 'adam'),
  schedule: ref('schedule', 'constant'),
  /** Clip the global gradient norm to this; null: no clipping. */
  clipGradNorm: z.number().positive().max(1e6).nullable().default(null),
  /** Decay of an exponential moving average of the student's weights, evaluated and saved instead; null: none. */
  ema: z.number().gt(0).lt(1).nullable().default(null),
  /** Evaluate on the test split every this many steps (0: only at the end). */
  evalEvery: count(1e9).nonnegative().default(0),
  /** Test sets evaluated during training (e.g. [Set12]); the final evaluation uses all. Default: all. */
  validateOn: z.array(z.string().min(1)).optional(),
  /** Write a checkpoint every this many steps (0: only at the end). */
  checkpointEvery: count(1e9).nonnegative().default(200),
  logEvery: count(1e9).positive().default(10),
});

/** A run's name is its folder's name: no separators, no leading dot. */
export const runName = z
  .string()
  .max(120)
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9._,=+@-]*$/,
    'a run name is a folder name: letters, digits and . _ , = + @ - (not starting with . or -)',
  );

/**
 * An experiment as plain data. Every plugin is a reference resolved through
 * the registry; `ablate` maps dotted config paths to the values to sweep.
 */
export const experimentConfig = z.strictObject({
  name: runName.default('experiment'),
  seed: z.number().int().default(1),
  /** Plugin packages to load first: package names or paths (relative to the config file). */
  plugins: z.array(z.string().min(1)).default([]),
  /**
   * The backend plugin to train on, as any plugin reference (`wasm`,
   * `{ name: tensorflow, options: { device: gpu } }`), or `auto`: the best
   * one available here (its options: those of each backend, by name).
   */
  backend: ref('backend').default('auto'),
  data: pluginRef,
  teacher: modelRef.optional(),
  student: modelRef,
  strategy: pluginRef.default({ name: 'none' }),
  loss: z
    .array(pluginRef)
    .min(1)
    .default([{ name: 'l1' }]),
  metrics: z.array(pluginRef).default([{ name: 'psnr' }, { name: 'ssim' }]),
  train: trainOptions.default(trainOptions.parse({})),
  output: z.string().min(1).default('runs'),
  ablate: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
});

/** A config to evaluate its teacher with: the student may be left out. */
export const teacherEvalConfig = experimentConfig.extend({ student: modelRef.optional() });

export type PluginRefConfig = z.infer<typeof pluginRef>;
export type ModelRefConfig = z.output<typeof modelRef>;
export type ExperimentConfig = z.infer<typeof experimentConfig>;
export type TeacherEvalConfig = z.infer<typeof teacherEvalConfig>;
/** What a user writes (defaults not yet filled). */
export type ExperimentConfigInput = z.input<typeof experimentConfig>;

/** Which plugin kind each reference of the config is resolved as. */
export const refKinds = {
  data: 'dataset',
  teacher: 'backbone',
  student: 'backbone',
  strategy: 'strategy',
  loss: 'loss',
  metrics: 'metric',
} as const;
