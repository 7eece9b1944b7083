import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, runOn, useWasm } from './compare-backends.test-helpers.js';

const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [7], begin: [2], size: [3] },
  { shape: [4, 5], begin: [1, 0], size: [2, 5] },
  { shape: [4, 5], begin: [1, 2], size: [3, -1] },
  { shape: [3, 6, 5, 7], begin: [1, 2, 0, 0], size: [2, 3, 5, 7] },
  { shape: [3, 6, 5, 7], begin: [0, 1, 1, 3], size: [3, 4, 3, 2] },
  { shape: [4, 2, 9, 9, 3], begin: [2, 0, 0, 0, 0], size: [1, -1, -1, -1, -1] },
  { shape: [2, 3, 4, 5, 6, 7], begin: [1, 0, 2, 1, 0, 3], size: [1, 3, 2, 4, 6, 4] },
  { shape: [2, 70, 3], begin: [0, 5, 0], size: [2, 60, 3] },
];

describe('Slice on wasm', () => {
  beforeAll(useWasm);

  for (const [i, c] of cases.entries()) {
    it(`matches cpu: shape ${c.shape}, begin ${c.begin}, size ${c.size}`, async () => {
      await expectSameOnCpuAndWasm(() => tf.slice(randn(c.shape, i), c.begin, c.size), 0);
    });
  }

  it('copies int32 and bool tensors', async () => {
    const [ints, bools] = await runOn('wasm', () => {
      const x = tf.range(0, 24, 1, 'int32').reshape([2, 3, 4]);
      return [tf.slice(x, [1, 1, 1], [1, 2, 2]), tf.slice(x.greater(10), [0, 2, 0], [2, 1, 4])];
    });
    expect(Array.from(ints!.values)).toEqual([17, 18, 21, 22]);
    expect(Array.from(bools!.values)).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('differentiates like cpu (the gradient pads)', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grad((x) =>
        tf
          .slice(x, [0, 1, 1, 0], [2, 3, 2, 3])
          .mul(randn([2, 3, 2, 3], 5))
          .sum(),
      )(randn([2, 5, 4, 3], 4)),
    );
  });
});

describe('SplitV and Unpack on wasm', () => {
  beforeAll(useWasm);

  it('split matches cpu along every axis', async () => {
    for (const axis of [0, 1, 2, 3]) {
      await expectSameOnCpuAndWasm(
        () => tf.split(randn([4, 6, 5, 8], axis), axis === 2 ? [2, 3] : 2, axis),
        0,
      );
    }
    await expectSameOnCpuAndWasm(() => tf.split(randn([3, 9, 7], 9), [2, -1, 3], 1), 0);
  });

  it('unstack matches cpu along every axis', async () => {
    for (const axis of [0, 1, 2, -1]) {
      await expectSameOnCpuAndWasm(() => tf.unstack(randn([3, 4, 5], 10 + axis), axis), 0);
    }
  });

  it('split and unstack differentiate like cpu', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grad((x) => {
        const [a, b] = tf.split(x, [1, 2], 3);
        const parts = tf.unstack(b!, 0);
        return a!.sum().add(parts[1]!.mul(2).sum());
      })(randn([2, 4, 4, 3], 3)),
    );
  });
});
