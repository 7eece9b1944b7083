import { beforeAll, describe, expect, it } from 'vitest';
import type { Plugin } from '../plugin.js';
import { tf } from '../tf.js';
import { adamOptimizer, adamwOptimizer } from './adam.js';
import { clipGradNorm } from './clip.js';
import { Ema } from './ema.js';
import { type NamedVariable, type Optimizer, variableFrom } from './optimizer.js';
import { constantSchedule, cosineSchedule, stepSchedule } from './schedule.js';
import { sgdOptimizer } from './sgd.js';

const make = (plugin: Plugin<any, any, unknown>, options = {}) =>
  plugin.create(plugin.options.parse(options), undefined as never);

/** Runs `steps` updates of one scalar parameter with the given gradients; returns its values. */
function run(optimizer: Optimizer, grads: number[], lr: number, start = 1): number[] {
  const p = variableFrom(tf.scalar(start));
  const params: NamedVariable[] = [['p', p]];
  const out: number[] = [];
  for (const g of grads) {
    const grad = tf.scalar(g);
    optimizer.apply(params, new Map([['p', grad]]), lr);
    grad.dispose();
    out.push(p.dataSync()[0]!);
  }
  p.dispose();
  optimizer.dispose();
  return out;
}

describe('optimizers', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('adam takes the hand-computed steps (bias-corrected moments)', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-7, 0.1];
    let [m, v, p] = [0, 0, 1];
    const expected: number[] = [];
    [0.5, -0.25, 1].forEach((g, i) => {
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      p -= (lr * (m / (1 - b1 ** (i + 1)))) / (Math.sqrt(v / (1 - b2 ** (i + 1))) + eps);
      expected.push(p);
    });
    const got = run(make(adamOptimizer) as Optimizer, [0.5, -0.25, 1], lr);
    for (const [i, x] of got.entries()) expect(x).toBeCloseTo(expected[i]!, 6);
  });

  it('adamw decays the weight itself, adam adds the decay to the gradient', () => {
    // With a zero gradient Adam's own update is zero: only the decay moves the weight.
    expect(run(make(adamwOptimizer, { weightDecay: 0.1 }) as Optimizer, [0], 0.5)[0]).toBeCloseTo(
      1 - 0.5 * 0.1,
      6,
    );
    // L2 decay makes the gradient 0.1·p: Adam's first step is then lr·sign = 0.5.
    expect(run(make(adamOptimizer, { weightDecay: 0.1 }) as Optimizer, [0], 0.5)[0]).toBeCloseTo(
      0.5,
      5,
    );
  });

  it('sgd with momentum and with Nesterov momentum follows torch.optim.SGD', () => {
    // buf1 = g1; p1 = 1 − lr·g1. buf2 = μ·buf1 + g2; p2 = p1 − lr·buf2.
    expect(run(make(sgdOptimizer, { momentum: 0.9 }) as Optimizer, [1, 2], 0.1)).toEqual([
      expect.closeTo(0.9, 6),
      expect.closeTo(0.9 - 0.1 * (0.9 + 2), 6),
    ]);
    // Nesterov: the step uses g + μ·buf.
    expect(
      run(make(sgdOptimizer, { momentum: 0.9, nesterov: true }) as Optimizer, [1, 2], 0.1),
    ).toEqual([
      expect.closeTo(1 - 0.1 * (1 + 0.9), 6),
      expect.closeTo(1 - 0.1 * 1.9 - 0.1 * (2 + 0.9 * 2.9), 6),
    ]);
    expect(() => make(sgdOptimizer, { nesterov: true })).toThrow(/needs momentum > 0/);
  });

  it('a restored state continues exactly as the uninterrupted optimizer', () => {
    const grads = [0.3, -0.7, 0.2, 0.9, -0.1, 0.4];
    for (const plugin of [adamOptimizer, sgdOptimizer]) {
      const options = plugin === sgdOptimizer ? { momentum: 0.9 } : {};
      const straight = run(make(plugin, options) as Optimizer, grads, 0.05);
      const first = make(plugin, options) as Optimizer;
      const p = tf.variable(tf.scalar(1));
      for (const g of grads.slice(0, 3)) {
        const grad = tf.scalar(g);
        first.apply([['p', p]], new Map([['p', grad]]), 0.05);
        grad.dispose();
      }
      const state = first.state();
      first.dispose();
      const second = make(plugin, options) as Optimizer;
      second.restore(state);
      const rest = run(second, grads.slice(3), 0.05, p.dataSync()[0]!);
      p.dispose();
      expect(rest).toEqual(straight.slice(3));
    }
  });

  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    run(make(adamOptimizer) as Optimizer, [1, 2, 3], 0.1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('schedules', () => {
  it('constant, step and cosine with linear warm-up', () => {
    const constant = make(constantSchedule, { warmup: 4 }) as (
      lr: number,
    ) => (s: number, t: number) => number;
    expect([1, 2, 4, 5, 100].map((s) => constant(1)(s, 100))).toEqual([0.25, 0.5, 1, 1, 1]);
    const step = make(stepSchedule, { every: 10, gamma: 0.5 }) as typeof constant;
    expect([1, 10, 11, 21].map((s) => step(2)(s, 100))).toEqual([2, 2, 1, 0.5]);
    const cosine = make(cosineSchedule, { warmup: 10, minLr: 0.1 }) as typeof constant;
    const c = cosine(1);
    expect(c(5, 110)).toBeCloseTo(0.5);
    expect(c(11, 110)).toBeCloseTo(1);
    expect(c(61, 110)).toBeCloseTo(0.55);
    expect(c(110, 110)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * 99) / 100)), 6);
  });
});

describe('clipGradNorm and Ema', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('scales every gradient by maxNorm / global norm when above it', () => {
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor1d([4])],
    ]);
    const { norm } = clipGradNorm(grads, 1);
    expect(norm).toBeCloseTo(5);
    expect([...grads.get('a')!.dataSync()]).toEqual([expect.closeTo(0.6, 5), 0]);
    expect(grads.get('b')!.dataSync()[0]).toBeCloseTo(0.8, 5);
    tf.dispose([...grads.values()]);
  });

  it('averages weights and swaps them in only while evaluating', async () => {
    const p = tf.variable(tf.scalar(1));
    const ema = new Ema([['p', p]], 0.5);
    p.assign(tf.scalar(3));
    ema.update(); // 0.5·1 + 0.5·3
    const during = await ema.withAveraged(() => p.dataSync()[0]);
    expect(during).toBe(2);
    expect(p.dataSync()[0]).toBe(3);
    ema.dispose();
    p.dispose();
  });
});
