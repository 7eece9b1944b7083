import {
  composeTaskLoss,
  createEvents,
  type Loss,
  type Strategy,
  tf,
  train,
} from '@spikedistill/core';
import { conformance } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeStudent, FakeTeacher, hintsRegistry } from '../fixtures.test-helpers.js';

const l1: Loss = {
  name: 'l1',
  weight: 1,
  compute: (p, t) => tf.mean(tf.abs(tf.sub(p, t))) as tf.Scalar,
};
const task = composeTaskLoss([l1]);
const studentRef = { name: 'fake-student' };

function setup(name: string, options: Record<string, unknown> = {}) {
  const registry = hintsRegistry(5);
  const student = registry.create('backbone', 'fake-student', {}, 'student') as FakeStudent;
  const teacher = new FakeTeacher();
  const strategy: Strategy = registry.create('strategy', name, options, 'strategy');
  strategy.attach({ student, teacher }, { registry, path: 'strategy', studentRef });
  const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const batch = { input: x, target: tf.mul(x, 0.5) as tf.Tensor4D };
  return { registry, student, teacher, strategy, batch };
}

const scalar = (t: tf.Tensor) => t.dataSync()[0]!;

describe('strategies', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('none is the task loss of the student alone', () => {
    const { student, strategy, batch } = setup('none');
    tf.tidy(() => {
      const loss = strategy.loss(batch, task);
      const expected = task(student.forward(batch.input).output, batch.target).total;
      expect(Object.keys(loss.terms)).toEqual(['task.l1']);
      expect(scalar(loss.total)).toBeCloseTo(scalar(expected), 6);
    });
  });

  it('hint adds λ·mse(mean_t s, t) per layer (identity adapter), hand-checked', () => {
    const { student, strategy, batch } = setup('hint', {
      layers: ['dec1'],
      adapter: 'identity',
      weight: 0.5,
    });
    tf.tidy(() => {
      const loss = strategy.loss(batch, task);
      expect(Object.keys(loss.terms)).toEqual(['task.l1', 'hint.dec1~dec1']);
      // mean over the two steps f and f/2 is 0.75·f; the teacher tap is [x, 2x].
      const f = tf.conv2d(batch.input, student.w, 1, 'same');
      const t = tf.concat([batch.input, tf.mul(batch.input, 2)], 3);
      const expected = 0.5 * scalar(tf.mean(tf.squaredDifference(tf.mul(f, 0.75), t)));
      expect(scalar(loss.terms['hint.dec1~dec1']!)).toBeCloseTo(expected, 5);
    });
  });

  it('hint trains its adapters: gradients reach the student and every adapter parameter', () => {
    const { student, strategy, batch } = setup('hint', { layers: [['dec1', 'dec1']] });
    const vars = [
      ...student.trainableVariables(),
      ...Object.values(strategy.modules()).flatMap((m) => m.trainableVariables()),
    ];
    expect(vars.length).toBe(4); // w, head, adapter kernel, adapter bias
    const { value, grads } = tf.variableGrads(() => strategy.loss(batch, task).total, vars);
    expect(Object.keys(grads)).toHaveLength(4);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('hint names unknown taps and pairs of different scale', () => {
    expect(() => setup('hint', { layers: ['dec9'] })).toThrow(
      "student has no feature tap 'dec9'; its taps are: dec1",
    );
    expect(() => setup('hint', { layers: [['dec1', 'enc2']] })).toThrow(
      "strategy.layers.0: student tap 'dec1' is at 1/1 scale, teacher tap 'enc2' at 1/2",
    );
  });

  it('output-kd adds weight·|s − t| to the task loss', () => {
    const { student, strategy, batch } = setup('output-kd', { weight: 2 });
    tf.tidy(() => {
      const loss = strategy.loss(batch, task);
      const s = student.forward(batch.input).output;
      expect(scalar(loss.terms['kd.l1']!)).toBeCloseTo(
        2 * scalar(tf.mean(tf.abs(tf.sub(s, batch.input)))),
        5,
      );
    });
  });

  it('tna builds a differently initialised twin and trains both through the MSE term', () => {
    const { student, strategy, batch } = setup('tna', { alpha: 0.5 });
    const twin = strategy.modules().twin as FakeStudent;
    expect([...twin.w.dataSync()]).not.toEqual([...student.w.dataSync()]);
    tf.tidy(() => {
      const loss = strategy.loss(batch, task);
      expect(Object.keys(loss.terms).sort()).toEqual(['task.l1', 'tna.mse', 'twin.l1']);
      const mse = tf.mean(
        tf.squaredDifference(student.forward(batch.input).output, twin.forward(batch.input).output),
      );
      expect(scalar(loss.terms['tna.mse']!)).toBeCloseTo(0.5 * scalar(mse), 6);
    });
    const vars = [...student.trainableVariables(), ...twin.trainableVariables()];
    const { value, grads } = tf.variableGrads(() => strategy.loss(batch, task).total, vars);
    expect(Object.keys(grads)).toHaveLength(4);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('tna with a ternary quantizer makes the student compute with ternary weights', () => {
    const { student, batch } = setup('tna', { quantizer: 'ternary' });
    const [w0, w1] = student.w.dataSync();
    tf.tidy(() => {
      // The student's 1×1 conv on a constant image shows the effective weights.
      const f = student.forward(tf.onesLike(batch.input), { taps: ['dec1'] }).taps.dec1!;
      const used = [...tf.slice(f, [0, 0, 0, 0, 0], [1, 1, 1, 1, 2]).dataSync()];
      const mean = (Math.abs(w0!) + Math.abs(w1!)) / 2;
      const kept = [w0!, w1!].filter((w) => Math.abs(w) > 0.7 * mean);
      const alpha = kept.reduce((a, w) => a + Math.abs(w), 0) / kept.length;
      const expected = [w0!, w1!].map((w) => (Math.abs(w) > 0.7 * mean ? Math.sign(w) * alpha : 0));
      for (const [i, u] of used.entries()) expect(u).toBeCloseTo(expected[i]!, 5);
    });
  });

  it('tna + hint adds the hint term and then needs a teacher', () => {
    const { strategy, batch } = setup('tna', { hint: { layers: ['dec1'] } });
    expect(strategy.needsTeacher).toBe(true);
    const names = tf.tidy(() => Object.keys(strategy.loss(batch, task).terms).join());
    expect(names).toContain('hint.dec1~dec1');
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

conformance(() => hintsRegistry(), 'strategy', {
  // The fake student has one tap; the default hint layers name two.
  options: { hint: { layers: ['dec1'] } },
  checks: [
    {
      name: 'attaches to a student (and teacher) and gives a finite loss with named terms',
      run: async ({ registry, instance }) => {
        await tf.setBackend('cpu');
        const strategy = instance as Strategy;
        const student = registry.create('backbone', 'fake-student', {}, 'student');
        strategy.attach(
          { student, teacher: new FakeTeacher() },
          { registry, path: 'strategy', studentRef },
        );
        tf.tidy(() => {
          const x = tf.randomUniform([1, 4, 4, 1]);
          const loss = strategy.loss({ input: x as tf.Tensor4D, target: x }, task);
          expect(Number.isFinite(scalar(loss.total))).toBe(true);
          expect(Object.keys(loss.terms)).toContain('task.l1');
        });
        strategy.dispose();
        student.dispose();
      },
    },
  ],
});
