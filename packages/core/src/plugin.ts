import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { Backend } from './backend/backend.js';
import type { SelectedBackend } from './backend/select.js';
import type { Backbone } from './contracts/backbone.js';
import type { TrainingData } from './contracts/dataset.js';
import type { Loss, Metric } from './contracts/loss.js';
import type { EvalProbe } from './contracts/probe.js';
import type { Quantizer } from './contracts/quantizer.js';
import type { Strategy } from './contracts/strategy.js';
import type { Optimizer } from './optim/optimizer.js';
import type { ScheduleFactory } from './optim/schedule.js';
import type { Events } from './events.js';
import type { Logger } from './logger.js';
import type { Registry } from './registry/registry.js';
import type { Rng } from './rng.js';

/** Plugin kinds the toolkit itself uses. Any other string is a valid kind too. */
export type KnownKind =
  | 'neuron'
  | 'surrogate'
  | 'encoder'
  | 'hint'
  | 'adapter'
  | 'reducer'
  | 'strategy'
  | 'backbone'
  | 'loss'
  | 'metric'
  | 'energy'
  | 'dataset'
  | 'noise'
  | 'quantizer'
  | 'backend'
  | 'reporter'
  | 'optimizer'
  | 'schedule'
  | 'probe';

export type Kind = KnownKind | (string & {});

/**
 * What `create()` returns, per kind. Packages add their kinds by declaration
 * merging, so `registry.create('neuron', …)` is typed without casts:
 *
 *     declare module '@spikedistill/core' { interface KindMap { neuron: NeuronFactory } }
 */
export interface KindMap {
  backend: Backend;
  backbone: Backbone;
  loss: Loss;
  metric: Metric;
  dataset: TrainingData;
  strategy: Strategy;
  optimizer: Optimizer;
  schedule: ScheduleFactory;
  probe: EvalProbe;
  quantizer: Quantizer;
}

export type InstanceOf<K extends Kind> = K extends keyof KindMap ? KindMap[K] : unknown;

/**
 * Handed to every `create()`: where in the config the plugin sits, and the
 * services, resolved from the child container the create runs in (tokens in
 * tokens.ts). A plugin may resolve any other registered service from
 * `container`, e.g. one an application added with `registry.container.register`.
 */
export interface Context {
  readonly registry: Registry;
  /** Dotted config path of this plugin, e.g. `student.options.neuron`; used in error messages. */
  readonly path: string;
  /** A random stream of its own, derived from the registry's seed and `path`. */
  readonly rng: Rng;
  readonly events: Events;
  readonly logger: Logger;
  /** The backend `selectBackend` activated for this registry, if it has run. */
  readonly backend: SelectedBackend | undefined;
  /** The child container of this create (`RngToken`, `PathToken` are the plugin's own). */
  readonly container: DependencyContainer;
}

/**
 * The one contract for every kind of plugin. `options` is the single source
 * of defaults, types, validation and `--help`.
 */
export interface Plugin<K extends Kind = Kind, O = any, T = InstanceOf<K>> {
  readonly kind: K;
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly options: z.ZodType<O>;
  /** Kind-specific facts shown by `describe()` (e.g. a backbone's feature taps). */
  readonly meta?: Readonly<Record<string, unknown>>;
  create(options: O, ctx: Context): T;
}

/** Identity helper that infers the option type from the schema. */
export function definePlugin<K extends Kind, S extends z.ZodType, T = InstanceOf<K>>(plugin: {
  kind: K;
  name: string;
  version?: string;
  description?: string;
  options: S;
  meta?: Readonly<Record<string, unknown>>;
  create(options: z.output<S>, ctx: Context): T;
}): Plugin<K, z.output<S>, T> {
  return plugin as unknown as Plugin<K, z.output<S>, T>;
}

/** A package's entry point: it registers its plugins when asked, never on import. */
export interface PluginPackage {
  readonly name: string;
  register(registry: Registry): void;
}

/** `{ name, options }`, the way configs refer to plugins. */
export interface PluginRef {
  name: string;
  options?: Record<string, unknown>;
}
