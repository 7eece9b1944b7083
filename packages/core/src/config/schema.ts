import { z } from 'zod';

/** `{ name, options }`: how a config refers to a plugin. */
export const pluginRef = z.strictObject({
  name: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});

/** A model reference may also name a weights file (safetensors) to load. */
export const modelRef = pluginRef.extend({ weights: z.string().optional() });

export const trainOptions = z.strictObject({
  steps: z.number().int().positive().default(1000),
  batch: z.number().int().positive().default(8),
  lr: z.number().positive().default(2e-4),
  /** Evaluate on the test split every this many steps (0: only at the end). */
  evalEvery: z.number().int().nonnegative().default(0),
  /** Write a checkpoint every this many steps (0: only at the end). */
  checkpointEvery: z.number().int().nonnegative().default(200),
  logEvery: z.number().int().positive().default(10),
});

/**
 * An experiment as plain data. Every plugin is a reference resolved through
 * the registry; `ablate` maps dotted config paths to the values to sweep.
 */
export const experimentConfig = z.strictObject({
  name: z.string().default('experiment'),
  seed: z.number().int().default(1),
  backend: z.string().default('auto'),
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
  output: z.string().default('runs'),
  ablate: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
});

export type PluginRefConfig = z.infer<typeof pluginRef>;
export type ExperimentConfig = z.infer<typeof experimentConfig>;
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
