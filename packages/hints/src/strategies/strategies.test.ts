import {
  type Backbone,
  composeTaskLoss,
  createEvents,
  type Loss,
  type Strategy,
  stepLoss,
  type TeacherRun,
  tf,
  tfjsFrozenModel,
  train,
} from '@spikedistill/core';
import { strategyConformance } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeStudent, FakeTeacher, hintsRegistry } from '../fixtures.test-helpers.js';

const l1: Loss = {
  name: 'l1',
  weight: 1,
  compute: (p, t) => tf.mean(tf.abs(tf.sub(p, t))) as tf.Scalar,
};
const task = composeTaskLoss([l1]);
const studentRef = { name: 'fake-student' };

function setup(name: string, options: Record<string, unknown> = {}, quantizer?: string) {
  const registry = hintsRegistry(5);
  const student = registry.create('backbone', 'fake-student', {}, 'student') as FakeStudent;
  const studentQuantizer = quantizer ? registry.create('quantizer', quantizer, {}) : undefined;
  if (studentQuantizer) student.setWeightTransform(studentQuantizer.quantize);
  const teacher = new FakeTeacher();
  const strategy: Strategy = registry.create('strategy', name, options, 'strategy');
  strategy.attach(
    { student, teacher },
    { registry, path: 'strategy', studentRef, studentQuantizer },
  );
  const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const batch = { input: x, target: tf.mul(x, 0.5) as tf.Tensor4D };
  return { registry, student, teacher, strategy, batch };
}

/** The teacher as the trainer runs it: outside the tape, only what the strategy needs. */
async function teacherRun(strategy: Strategy, teacher: Backbone, input: tf.Tensor4D) {
  const needs = strategy.needs.teacher;
  return needs ? tfjsFrozenModel(teacher).run(input, needs) : undefined;
}

/** The loss of one step exactly as the trainer computes it. */
function lossOf(
  student: Backbone,
  strategy: Strategy,
  batch: { input: tf.Tensor4D; target: tf.Tensor4D },
  teacher: TeacherRun | undefined,
  step = 1,
  totalSteps = 10,
) {
  return stepLoss(student, strategy, { batch, task, teacher, step, totalSteps });
}

const scalar = (t: tf.Tensor) => t.dataSync()[0]!;

describe('strategies', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('none is the task loss of the student alone, and runs no teacher', async () => {
    const { student, teacher, strategy, batch } = setup('none');
    expect(strategy.needs.teacher).toBe(false);
    expect(await teacherRun(strategy, teacher, batch.input)).toBeUndefined();
    tf.tidy(() => {
      const loss = lossOf(student, strategy, batch, undefined);
      const expected = task(student.forward(batch.input).output, batch.target).total;
      expect(Object.keys(loss.terms)).toEqual(['task.l1']);
      expect(scalar(loss.total)).toBeCloseTo(scalar(expected), 6);
    });
  });

  it('hint adds λ·mse(mean_t s, t) per layer (identity adapter), hand-checked', async () => {
    const { student, teacher, strategy, batch } = setup('hint', {
      layers: ['dec1'],
      adapter: 'identity',
      weight: 0.5,
    });
    expect(strategy.needs.teacher).toEqual({ taps: ['dec1'], output: false });
    const t = await teacherRun(strategy, teacher, batch.input);
    expect(t?.output).toBeUndefined();
    tf.tidy(() => {
      const loss = lossOf(student, strategy, batch, t);
      expect(Object.keys(loss.terms)).toEqual(['task.l1', 'hint.dec1~dec1']);
      // mean over the two steps f and f/2 is 0.75·f; the teacher tap is [x, 2x].
      const f = tf.conv2d(batch.input, student.w, 1, 'same');
      const tap = tf.concat([batch.input, tf.mul(batch.input, 2)], 3);
      const expected = 0.5 * scalar(tf.mean(tf.squaredDifference(tf.mul(f, 0.75), tap)));
      expect(scalar(loss.terms['hint.dec1~dec1']!)).toBeCloseTo(expected, 5);
    });
    tf.dispose(Object.values(t!.taps));
  });

  it('hint weights follow a schedule: linear warm-up over the first steps', async () => {
    const { student, teacher, strategy, batch } = setup('hint', {
      layers: ['dec1'],
      adapter: 'identity',
      weight: { value: 1, schedule: { name: 'constant', options: { warmup: 4 } } },
    });
    const t = await teacherRun(strategy, teacher, batch.input);
    const at = (step: number) =>
      tf.tidy(() =>
        scalar(lossOf(student, strategy, batch, t, step, 100).terms['hint.dec1~dec1']!),
      );
    expect(at(1)).toBeCloseTo(at(4) / 4, 6);
    expect(at(2)).toBeCloseTo(at(4) / 2, 6);
    expect(at(50)).toBeCloseTo(at(4), 6);
    tf.dispose(Object.values(t!.taps));
  });

  it('hint trains its adapters: gradients reach the student and every adapter parameter', async () => {
    const { student, teacher, strategy, batch } = setup('hint', { layers: [['dec1', 'dec1']] });
    const vars = [
      ...student.trainableVariables(),
      ...Object.values(strategy.modules()).flatMap((m) => m.trainableVariables()),
    ];
    expect(vars.length).toBe(4); // w, head, adapter kernel, adapter bias
    const t = await teacherRun(strategy, teacher, batch.input);
    const { value, grads } = tf.variableGrads(
      () => lossOf(student, strategy, batch, t).total,
      vars,
    );
    expect(Object.keys(grads)).toHaveLength(4);
    tf.dispose([value, ...Object.values(grads), ...Object.values(t!.taps)]);
  });

  it('hint names unknown taps and pairs of different scale', () => {
    expect(() => setup('hint', { layers: ['dec9'] })).toThrow(
      "student has no feature tap 'dec9'; its taps are: dec1",
    );
    expect(() => setup('hint', { layers: [['dec1', 'enc2']] })).toThrow(
      "strategy.options.layers.0: student tap 'dec1' is at 1/1 scale, teacher tap 'enc2' at 1/2",
    );
  });

  it('hint takes any loss plugin as its matcher (attention needs no adapter)', async () => {
    const { student, teacher, strategy, batch } = setup('hint', {
      layers: ['dec1'],
      matcher: 'attention',
      adapter: 'identity',
    });
    const t = await teacherRun(strategy, teacher, batch.input);
    tf.tidy(() => {
      const v = scalar(lossOf(student, strategy, batch, t).terms['hint.dec1~dec1']!);
      expect(Number.isFinite(v)).toBe(true);
    });
    tf.dispose(Object.values(t!.taps));
  });

  it('output-kd adds weight·|s − t| to the task loss, with the teacher output computed once', async () => {
    const { student, teacher, strategy, batch } = setup('output-kd', { weight: 2 });
    expect(strategy.needs.teacher).toEqual({ taps: [], output: true });
    const t = await teacherRun(strategy, teacher, batch.input);
    tf.tidy(() => {
      const loss = lossOf(student, strategy, batch, t);
      const s = student.forward(batch.input).output;
      expect(scalar(loss.terms['kd.l1']!)).toBeCloseTo(
        2 * scalar(tf.mean(tf.abs(tf.sub(s, batch.input)))),
        5,
      );
    });
    tf.dispose(t!.output!);
  });

  it('tna builds a differently initialised twin and trains both through the MSE term', () => {
    const { student, strategy, batch } = setup('tna', { alpha: 0.5 });
    const twin = strategy.twins()[0] as FakeStudent;
    expect(strategy.modules().twin).toBe(twin);
    expect([...twin.w.dataSync()]).not.toEqual([...student.w.dataSync()]);
    tf.tidy(() => {
      const loss = lossOf(student, strategy, batch, undefined);
      expect(Object.keys(loss.terms).sort()).toEqual(['task.l1', 'tna.mse', 'twin.l1']);
      const mse = tf.mean(
        tf.squaredDifference(student.forward(batch.input).output, twin.forward(batch.input).output),
      );
      expect(scalar(loss.terms['tna.mse']!)).toBeCloseTo(0.5 * scalar(mse), 6);
    });
    const vars = [...student.trainableVariables(), ...twin.trainableVariables()];
    const { value, grads } = tf.variableGrads(
      () => lossOf(student, strategy, batch, undefined).total,
      vars,
    );
    expect(Object.keys(grads)).toHaveLength(4);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('tna with a ternary student: the student computes with ternary weights, the twin stays full precision', () => {
    const { student, strategy, batch } = setup('tna', {}, 'ternary');
    const [w0, w1] = student.w.dataSync();
    const effective = (model: FakeStudent) =>
      tf.tidy(() => {
        // The 1×1 conv on a constant image shows the effective weights.
        const f = model.forward(tf.onesLike(batch.input), { taps: ['dec1'] }).taps.dec1!;
        return [...tf.slice(f, [0, 0, 0, 0, 0], [1, 1, 1, 1, 2]).dataSync()];
      });
    const mean = (Math.abs(w0!) + Math.abs(w1!)) / 2;
    const kept = [w0!, w1!].filter((w) => Math.abs(w) > 0.7 * mean);
    const alpha = kept.reduce((a, w) => a + Math.abs(w), 0) / kept.length;
    const expected = [w0!, w1!].map((w) => (Math.abs(w) > 0.7 * mean ? Math.sign(w) * alpha : 0));
    for (const [i, u] of effective(student).entries()) expect(u).toBeCloseTo(expected[i]!, 5);
    const twin = strategy.twins()[0] as FakeStudent;
    expect(effective(twin)).toEqual([...twin.w.dataSync()].map((w) => expect.closeTo(w, 6)));
  });

  it('tna quantizeTwin needs a student quantizer, and shares it without changing the student', () => {
    expect(() => setup('tna', { quantizeTwin: true })).toThrow(/student has no quantizer/);
    const { strategy, student } = setup('tna', { quantizeTwin: true }, 'ternary');
    strategy.dispose();
    // Disposing the strategy frees the twin only.
    expect(student.w.isDisposed).toBe(false);
  });

  it('compose sums the terms of its strategies: tna + hint and hint + output-kd', async () => {
    const { student, teacher, strategy, batch } = setup('compose', {
      terms: [{ name: 'tna' }, { name: 'hint', options: { layers: ['dec1'] } }],
    });
    expect(strategy.needsTeacher).toBe(true);
    expect(strategy.twins()).toHaveLength(1);
    expect(Object.keys(strategy.modules()).sort()).toEqual(['0_tna.twin', '1_hint.adapters']);
    const t = await teacherRun(strategy, teacher, batch.input);
    const names = tf.tidy(() => Object.keys(lossOf(student, strategy, batch, t).terms).sort());
    expect(names).toEqual(['hint.dec1~dec1', 'task.l1', 'tna.mse', 'twin.l1']);
    tf.dispose(Object.values(t!.taps));

    const both = setup('compose', {
      terms: [{ name: 'hint', options: { layers: ['dec1'] } }, 'output-kd'],
    });
    expect(both.strategy.needs.teacher).toEqual({ taps: ['dec1'], output: true });
  });

  it('the trainer lowers the hint term when distilling with it', async () => {
    const { student, teacher, strategy, batch } = setup('hint', { layers: ['dec1'], weight: 1 });
    const hints: number[] = [];
    const events = createEvents();
    events.on('step', (e) => hints.push(e.terms['hint.dec1~dec1']!));
    const data = {
      task: 'restoration' as const,
      channels: 1,
      nextBatch: async () => ({ input: batch.input.clone(), target: batch.target.clone() }),
      evalSets: () => [],
    };
    await train(
      { student, teacher, strategy, losses: [l1], metrics: [], data },
      { steps: 40, batch: 2, lr: 0.05, evalEvery: 0, checkpointEvery: 0, logEvery: 10 },
      events,
    );
    expect(hints.at(-1)!).toBeLessThan(hints[0]! * 0.5);
  });
});

// Every registered strategy, as the trainer uses it.
strategyConformance(() => hintsRegistry(), {
  setup: async () => {
    await tf.setBackend('cpu');
  },
  options: {
    hint: { layers: ['dec1'] },
    compose: { terms: ['tna', { name: 'hint', options: { layers: ['dec1'] } }] },
  },
  models: (registry) => ({
    student: registry.create('backbone', 'fake-student', {}, 'student') as FakeStudent,
    teacher: new FakeTeacher(),
  }),
  studentRef,
  input: [2, 4, 4, 1],
});
