import {
  asRef,
  type Backbone,
  checkTaps,
  type Loss,
  Module,
  type Registry,
  ref,
  SpikedistillError,
  type TapInfo,
  termWeight,
  tf,
} from '@spikedistill/core';
import { z } from 'zod';
import type { Adapter, TemporalReducer } from '../types.js';

/** Options of a hint term. */
export const hintOptions = z.object({
  /** Student tap → teacher tap; a plain name pairs equal names. */
  layers: z
    .array(z.union([z.string(), z.tuple([z.string(), z.string()])]))
    .min(1)
    .default(['dec1', 'dec2']),
  /** Any `loss` plugin compares the features (mse, l1, cosine, attention …). */
  matcher: ref('loss', 'mse'),
  adapter: ref('adapter', 'conv1x1'),
  reduce: ref('reducer', 'mean'),
  /** λ_hint (≈0.12 in the H-KD setting), or a value with a schedule. */
  weight: termWeight(0.12),
});
export type HintOptions = z.output<typeof hintOptions>;

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
 * The hint term Σ_l match(adapt(reduce(s_l)), t_l): per-step student
 * features are reduced over T, adapted to the teacher's channels and
 * compared with the teacher's features of the same scale.
 */
export class HintLayers {
  readonly adapters = new AdapterSet();
  private readonly pairs: Pair[] = [];
  private readonly matcher: Loss;
  private readonly reducer: TemporalReducer;

  constructor(
    options: HintOptions,
    student: Backbone,
    teacher: Backbone,
    registry: Registry,
    path: string,
  ) {
    const at = (key: string) => `${path}.options.${key}`;
    this.matcher = registry.createFrom('loss', asRef(options.matcher), at('matcher'));
    this.reducer = registry.createFrom('reducer', asRef(options.reduce), at('reduce'));
    const adapters = registry.createFrom('adapter', asRef(options.adapter), at('adapter'));
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
          `${at('layers')}.${i}: student tap '${s}' is at 1/${si.scale} scale, teacher tap '${t}' at 1/${ti.scale}; pair taps of the same scale`,
        );
      }
      const out = this.matcher.channelsMayDiffer ? si.channels : ti.channels;
      this.pairs.push({
        student: si,
        teacher: ti,
        adapter: this.adapters.add(`l${i}_${s}`, adapters.create(si.channels, out)),
      });
    });
  }

  get studentTaps(): string[] {
    return this.pairs.map((p) => p.student.name);
  }

  get teacherTaps(): string[] {
    return this.pairs.map((p) => p.teacher.name);
  }

  /** The weighted hint terms (`<prefix>.<student tap>~<teacher tap>`) from the recorded taps. */
  loss(
    studentTaps: Record<string, tf.Tensor>,
    teacherTaps: Record<string, tf.Tensor>,
    weight: number,
    prefix = 'hint',
  ): Record<string, tf.Scalar> {
    const terms: Record<string, tf.Scalar> = {};
    for (const { student, teacher, adapter } of this.pairs) {
      const s = this.temporal(student, studentTaps[student.name]!);
      const t = this.temporal(teacher, teacherTaps[teacher.name]!);
      terms[`${prefix}.${student.name}~${teacher.name}`] = tf.mul(
        this.matcher.compute(adapter.apply(s), t),
        weight,
      ) as tf.Scalar;
    }
    return terms;
  }

  private temporal(info: TapInfo, x: tf.Tensor): tf.Tensor {
    return info.temporal ? this.reducer.reduce(x) : x;
  }
}
