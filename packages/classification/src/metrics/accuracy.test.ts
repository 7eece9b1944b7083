import { createRegistry, type Metric, tf } from '@spikedistill/core';
import { conformance, expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { topKAccuracy, topKCorrect } from './accuracy.js';

const makeRegistry = () => createRegistry({ packages: [{ name: 'c', register }] });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

conformance(makeRegistry, 'metric', {
  checks: [
    {
      name: 'scores logits that put each label first as perfect, in [0, 1], without leaks',
      run: async ({ instance }) => {
        const metric = instance as Metric;
        const labels = tf.tensor1d([2, 0, 1, 2], 'int32');
        const perfect = tf.oneHot(labels, 3);
        const wrong = tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3);
        await expectNoLeaks(() => {
          expect(metric.compute(perfect, labels)).toBe(1);
          const v = metric.compute(wrong, labels);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        });
        expect(metric.higherIsBetter).toBe(true);
        tf.dispose([labels, perfect, wrong]);
      },
    },
  ],
});

describe('accuracy', () => {
  // Row 2 ties classes 0 and 1; row 4 ties classes 1 and 2 below class 0.
  const logits = [
    [0.1, 0.7, 0.2],
    [0.5, 0.5, 0],
    [0.3, 0.2, 0.5],
    [0.9, 0.05, 0.05],
  ];
  const labels = [1, 1, 0, 2];

  it('top-1 and top-2 match hand counts; ties go to the lower class, as argmax', () => {
    const z = Float32Array.from(logits.flat());
    expect(topKCorrect(z, labels, 3, 1)).toEqual([true, false, false, false]);
    expect(topKCorrect(z, labels, 3, 2)).toEqual([true, true, true, false]);
    expect(topKCorrect(z, labels, 3, 3)).toEqual([true, true, true, true]);
    const argmax = tf.tidy(() => Array.from(tf.argMax(tf.tensor2d(logits), 1).dataSync()));
    expect(argmax.map((a, i) => a === labels[i])).toEqual([true, false, false, false]);
  });

  it('as a plugin: top-1 is named accuracy, top-k topk', () => {
    const registry = makeRegistry();
    const z = tf.tensor2d(logits);
    const y = tf.tensor1d(labels, 'int32');
    const top1 = registry.create('metric', 'accuracy');
    const top2 = registry.create('metric', 'accuracy', { top: 2 });
    expect([top1.name, top2.name]).toEqual(['accuracy', 'top2']);
    expect(top1.compute(z, y)).toBe(0.25);
    expect(top2.compute(z, y)).toBe(0.75);
    expect(topKAccuracy(z, y, 5)).toBe(1);
    tf.dispose([z, y]);
  });
});
