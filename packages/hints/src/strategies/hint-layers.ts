import {
  type Backbone,
  checkTaps,
  Module,
  type PluginRef,
  type Registry,
  ref,
  SpikedistillError,
  type StepLoss,
  type TapInfo,
  tf,
} from '@spikedistill/core';
import { z } from 'zod';
import type { Adapter, HintMatcher, TemporalReducer } from '../types.js';

/** Options of the hint term, shared by the `hint` strategy and TNA's optional hints. */
export const hintOptions = z.object({
  /** Student tap → teacher tap; a plain name pairs equal names. */
  layers: z
    .array(z.union([z.string(), z.tuple([z.string(), z.string()])]))
    .min(1)
    .default(['dec1', 'dec2']),
  matcher: ref('hint', 'mse'),
  adapter: ref('adapter', 'conv1x1'),
  reduce: ref('reducer', 'mean'),
  /** λ_hint (≈0.12 in the H-KD setting). */
  weight: z.number().nonnegative().default(0.12),
});
export type HintOptions = z.infer<typeof hintOptions>;

/** Holds the adapters so they are trained and checkpointed as one module. */
export class AdapterSet extends Module {
  add(name: string, adapter: Adapter): Adapter {
    return this.child(name, adapter);
  }
}

interface Pair {
  student: TapInfo;
  teacher: TapInfo;
  adapter: Adapter;
}

/**
 * The hint term λ·Σ_l match(adapt(reduce(s_l)), t_l): per-step student
 * features are reduced over T, adapted to the teacher's channels and compared
 * with the teacher's features of the same scale.
 */
export class HintLayers {
  readonly adapters = new AdapterSet();
  private readonly pairs: Pair[] = [];
  private readonly matcher: HintMatcher;
  private readonly reducer: TemporalReducer;

  constructor(
    options: HintOptions,
    student: Backbone,
    teacher: Backbone,
    registry: Registry,
    path: string,
  ) {
    const asRef = (r: string | PluginRef): PluginRef => (typeof r === 'string' ? { name: r } : r);
    this.matcher = registry.createFrom('hint', asRef(options.matcher), `${path}.matcher`);
    this.reducer = registry.createFrom('reducer', asRef(options.reduce), `${path}.reduce`);
    const adapters = registry.createFrom('adapter', asRef(options.adapter), `${path}.adapter`);
    const names = options.layers.map((l) => (typeof l === 'string' ? [l, l] : l));
    checkTaps(
      'student',
      student.tapInfo,
      names.map(([s]) => s!),
    );
    checkTaps(
      'teacher',
      teacher.tapInfo,
      names.map(([, t]) => t!),
    );
    names.forEach(([s, t], i) => {
      const si = student.tapInfo.find((x) => x.name === s)!;
      const ti = teacher.tapInfo.find((x) => x.name === t)!;
      if (si.scale !== ti.scale) {
        throw new SpikedistillError(
          'E_SHAPE',
          `${path}.layers.${i}: student tap '${s}' is at 1/${si.scale} scale, teacher tap '${t}' at 1/${ti.scale}; pair taps of the same scale`,
        );
      }
      const adapter =
        this.matcher.needsEqualChannels || si.channels === ti.channels
          ? adapters.create(si.channels, ti.channels)
          : adapters.create(si.channels, si.channels);
      this.pairs.push({
        student: si,
        teacher: ti,
        adapter: this.adapters.add(`l${i}_${s}`, adapter),
      });
    });
  }

  get studentTaps(): string[] {
    return this.pairs.map((p) => p.student.name);
  }

  get teacherTaps(): string[] {
    return this.pairs.map((p) => p.teacher.name);
  }

  /** The weighted hint term from the recorded taps of both networks. */
  loss(
    studentTaps: Record<string, tf.Tensor>,
    teacherTaps: Record<string, tf.Tensor>,
    weight: number,
  ): StepLoss {
    const terms: Record<string, tf.Scalar> = {};
    for (const { student, teacher, adapter } of this.pairs) {
      const s = this.temporal(student, studentTaps[student.name]!);
      const t = this.temporal(teacher, teacherTaps[teacher.name]!);
      terms[`${student.name}~${teacher.name}`] = tf.mul(
        this.matcher.compute(adapter.apply(s), t),
        weight,
      ) as tf.Scalar;
    }
    return { total: tf.addN(Object.values(terms)) as tf.Scalar, terms };
  }

  private temporal(info: TapInfo, x: tf.Tensor): tf.Tensor {
    return info.temporal ? this.reducer.reduce(x) : x;
  }
}
