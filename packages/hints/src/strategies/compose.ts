import {
  asRef,
  type Backbone,
  definePlugin,
  type LossInputs,
  type Module,
  ref,
  type Strategy,
  type StrategyContext,
  type StrategyModels,
  type StrategyNeeds,
  type tf,
} from '@spikedistill/core';
import { z } from 'zod';

const union = (lists: readonly (readonly string[])[]) => [...new Set(lists.flat())];

/**
 * Several strategies' terms on one student, e.g. hint + output-KD or TNA +
 * hints: the teacher runs once with every tap any of them needs, each
 * strategy's twins and adapters are trained, and the terms are summed.
 */
class Composed implements Strategy {
  readonly name = 'compose';
  readonly needsTeacher: boolean;

  constructor(private readonly parts: readonly Strategy[]) {
    this.needsTeacher = parts.some((p) => p.needsTeacher);
  }

  attach(models: StrategyModels, ctx: StrategyContext): void {
    this.parts.forEach((part, i) => {
      part.attach(models, { ...ctx, path: `${ctx.path}.options.terms.${i}` });
    });
  }

  get needs(): StrategyNeeds {
    const all = this.parts.map((p) => p.needs);
    const teachers = all.flatMap((n) => (n.teacher ? [n.teacher] : []));
    return {
      teacher: teachers.length
        ? { taps: union(teachers.map((t) => t.taps)), output: teachers.some((t) => t.output) }
        : false,
      studentTaps: union(all.map((n) => n.studentTaps)),
      twinTaps: union(all.map((n) => n.twinTaps)),
    };
  }

  modules(): Record<string, Module> {
    const out: Record<string, Module> = {};
    this.parts.forEach((part, i) => {
      for (const [name, m] of Object.entries(part.modules())) out[`${i}_${part.name}.${name}`] = m;
    });
    return out;
  }

  twins(): readonly Backbone[] {
    return this.parts.flatMap((p) => p.twins());
  }

  loss(inputs: LossInputs): Record<string, tf.Scalar> {
    const terms: Record<string, tf.Scalar> = {};
    let twin = 0;
    for (const part of this.parts) {
      const count = part.twins().length;
      const own = part.loss({ ...inputs, twins: inputs.twins.slice(twin, twin + count) });
      twin += count;
      Object.assign(terms, own);
    }
    return terms;
  }

  dispose(): void {
    for (const part of this.parts) part.dispose();
  }
}

export const composeStrategy = definePlugin({
  kind: 'strategy',
  name: 'compose',
  description: 'the terms of several strategies together (e.g. [hint, output-kd], [tna, hint])',
  options: z.object({ terms: z.array(ref('strategy')).min(1) }),
  create: ({ terms }, ctx): Strategy =>
    new Composed(
      terms.map((term, i) =>
        ctx.registry.createFrom('strategy', asRef(term), `${ctx.path}.options.terms.${i}`),
      ),
    ),
});
