import { tf } from '@spikedistill/core';
import { conformance } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { hintsRegistry } from '../fixtures.test-helpers.js';
import type { TemporalReducer } from '../types.js';

describe('temporal reducers', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  it('mean, last and sum collapse [T, …] as named', () => {
    const r = hintsRegistry();
    const x = tf.tensor3d([1, 0, 1, 1, 0, 0], [3, 1, 2]); // T=3 steps of [1, 2]
    const run = (name: string) => {
      const y = r.create('reducer', name).reduce(x);
      const out = { shape: y.shape, values: [...y.dataSync()] };
      y.dispose();
      return out;
    };
    expect(run('mean')).toEqual({
      shape: [1, 2],
      values: [2 / 3, 1 / 3].map((v) => Math.fround(v)),
    });
    expect(run('last')).toEqual({ shape: [1, 2], values: [0, 0] });
    expect(run('sum')).toEqual({ shape: [1, 2], values: [2, 1] });
    x.dispose();
  });
});

conformance(() => hintsRegistry(), 'reducer', {
  checks: [
    {
      name: 'drops the leading time axis',
      run: ({ instance }) => {
        const x = tf.ones([4, 2, 3, 3, 5]);
        const y = (instance as TemporalReducer).reduce(x);
        expect(y.shape).toEqual([2, 3, 3, 5]);
        tf.dispose([x, y]);
      },
    },
  ],
});
conformance(() => hintsRegistry(), 'quantizer');
conformance(() => hintsRegistry(), 'adapter', {
  checks: [
    {
      name: 'maps channels and passes gradients to its parameters',
      run: ({ instance }) => {
        const adapter = (instance as import('../types.js').AdapterFactory).create(3, 3);
        const x = tf.randomNormal([1, 4, 4, 3]);
        const y = adapter.apply(x);
        expect(y.shape).toEqual([1, 4, 4, 3]);
        const vars = adapter.trainableVariables();
        if (vars.length) {
          const { grads } = tf.variableGrads(
            () => tf.sum(tf.square(adapter.apply(x))) as tf.Scalar,
            vars,
          );
          expect(Object.keys(grads)).toHaveLength(vars.length);
          tf.dispose(grads);
        }
        tf.dispose([x, y]);
        adapter.dispose();
      },
    },
  ],
});
