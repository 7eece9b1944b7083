import type { z } from 'zod';
import type { Backbone } from '../contracts/backbone.js';
import type { Quantizer } from '../contracts/quantizer.js';
import type {
  LossInputs,
  Strategy,
  StrategyContext,
  StrategyModels,
  StrategyNeeds,
} from '../contracts/strategy.js';
import { SpikedistillError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { type Context, definePlugin, type Plugin, type PluginRef } from '../plugin.js';
import type { Registry } from '../registry/registry.js';
import type { tf } from '../tf.js';

/** What a strategy's `setup` sees. */
export interface SetupArgs<O> {
  options: O;
  student: Backbone;
  /** Present when the config has one (always, when the strategy needs it). */
  teacher?: Backbone;
  registry: Registry;
  /** Config path of the strategy (`strategy`, `strategy.options.terms.1`), for errors and random streams. */
  path: string;
  studentRef: PluginRef;
  /** The quantiser the student computes with, if its config names one. */
  studentQuantizer?: Quantizer;
  /** Builds another student of the same kind, initialised from its own random stream (`label`). */
  makeStudentLike(label: string): Backbone;
}

/** What a strategy consists of, once it knows its models. */
export interface StrategyParts {
  studentTaps?: readonly string[];
  teacherTaps?: readonly string[];
  /** Whether the teacher's output is needed (default: only when no taps are). */
  teacherOutput?: boolean;
  /** Models trained under the tape beside the student; they are also its modules. */
  twins?: readonly Backbone[];
  twinTaps?: readonly string[];
  /** Its other trained modules (adapters) by name. */
  modules?: Record<string, Module>;
  /** The weighted terms this strategy adds to the task loss, by name. */
  loss(inputs: LossInputs): Record<string, tf.Scalar>;
  dispose?(): void;
}

export interface StrategyDefinition<S extends z.ZodType> {
  name: string;
  description?: string;
  version?: string;
  options: S;
  /** Whether it needs a teacher; a function of the options when that depends on them. */
  teacher?: boolean | ((options: z.output<S>, registry: Registry, path: string) => boolean);
  setup(args: SetupArgs<z.output<S>>): StrategyParts;
}

/**
 * Defines a `strategy` plugin from what it needs and the terms it adds:
 * the trainer does the forward passes, the gradient tape, the optimiser and
 * the checkpoints. A strategy is one small file:
 *
 *     defineStrategy({
 *       name: 'my-kd', options: z.object({ weight: termWeight(1) }), teacher: true,
 *       setup: ({ options, registry, path }) => {
 *         const weight = weightSchedule(registry, options.weight, `${path}.options.weight`);
 *         return { teacherOutput: true, loss: ({ student, teacher, step, totalSteps }) =>
 *           ({ 'my-kd.l1': mul(l1(student.output, teacher.output), weight(step, totalSteps)) }) };
 *       },
 *     });
 */
export function defineStrategy<S extends z.ZodType>(
  def: StrategyDefinition<S>,
): Plugin<'strategy', z.output<S>, Strategy> {
  return definePlugin({
    kind: 'strategy',
    name: def.name,
    description: def.description,
    version: def.version,
    options: def.options,
    meta: {
      teacher: typeof def.teacher === 'function' ? 'depends on the options' : Boolean(def.teacher),
    },
    create: (options: z.output<S>, ctx: Context): Strategy =>
      new DefinedStrategy(def, options, ctx),
  }) as Plugin<'strategy', z.output<S>, Strategy>;
}

class DefinedStrategy<S extends z.ZodType> implements Strategy {
  readonly name: string;
  readonly needsTeacher: boolean;
  private parts: StrategyParts | undefined;

  private readonly createdAt: string;

  constructor(
    private readonly def: StrategyDefinition<S>,
    private readonly options: z.output<S>,
    ctx: Context,
  ) {
    this.name = def.name;
    this.createdAt = ctx.path;
    this.needsTeacher =
      typeof def.teacher === 'function'
        ? def.teacher(options, ctx.registry, ctx.path)
        : Boolean(def.teacher);
  }

  attach(models: StrategyModels, ctx: StrategyContext): void {
    if (this.needsTeacher && !models.teacher) {
      throw new SpikedistillError(
        'E_CONFIG',
        `strategy '${this.name}' (at ${ctx.path}) needs a teacher: add \`teacher:\` to the config`,
      );
    }
    this.parts = this.def.setup({
      options: this.options,
      student: models.student,
      teacher: models.teacher,
      registry: ctx.registry,
      path: ctx.path,
      studentRef: ctx.studentRef,
      studentQuantizer: ctx.studentQuantizer,
      makeStudentLike: (label) =>
        ctx.registry.createFrom('backbone', ctx.studentRef, `${ctx.path}.${label}`),
    });
  }

  private get attached(): StrategyParts {
    if (!this.parts)
      throw new SpikedistillError(
        'E_CONFIG',
        `strategy '${this.name}' (at ${this.createdAt}) is used before attach()`,
      );
    return this.parts;
  }

  get needs(): StrategyNeeds {
    const p = this.attached;
    const taps = p.teacherTaps ?? [];
    const output = p.teacherOutput ?? taps.length === 0;
    return {
      teacher: this.needsTeacher || taps.length || p.teacherOutput ? { taps, output } : false,
      studentTaps: p.studentTaps ?? [],
      twinTaps: p.twinTaps ?? [],
    };
  }

  modules(): Record<string, Module> {
    const p = this.attached;
    const twins = Object.fromEntries(
      (p.twins ?? []).map((t, i) => [i ? `twin${i + 1}` : 'twin', t]),
    );
    return { ...twins, ...p.modules };
  }

  twins(): readonly Backbone[] {
    return this.attached.twins ?? [];
  }

  loss(inputs: LossInputs): Record<string, tf.Scalar> {
    return this.attached.loss(inputs);
  }

  dispose(): void {
    if (!this.parts) return;
    this.parts.dispose?.();
    for (const twin of this.parts.twins ?? []) twin.dispose();
    for (const m of Object.values(this.parts.modules ?? {})) m.dispose();
    this.parts = undefined;
  }
}
