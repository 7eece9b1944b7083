import { tf } from '@spikedistill/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameOnCpuAndWasm, randn, runOn, useWasm } from './compare-backends.test-helpers.js';

describe('Concat on wasm', () => {
  beforeAll(useWasm);

  const cases: { shapes: number[][]; axis: number }[] = [
    {
      shapes: [
        [2, 5, 6, 3],
        [2, 5, 6, 3],
      ],
      axis: 3,
    }, // channel concat: the stack-and-transpose route
    {
      shapes: [
        [2, 5, 6, 4],
        [2, 5, 6, 4],
        [2, 5, 6, 4],
      ],
      axis: -1,
    },
    {
      shapes: [
        [3, 4, 2, 5],
        [3, 4, 2, 5],
      ],
      axis: 2,
    },
    {
      shapes: [
        [2, 5, 6, 3],
        [2, 5, 6, 7],
      ],
      axis: 3,
    }, // unequal widths: tfjs-wasm's
    {
      shapes: [
        [2, 5, 6, 3],
        [4, 5, 6, 3],
      ],
      axis: 0,
    },
    {
      shapes: [
        [1, 5, 6, 3],
        [1, 5, 6, 3],
      ],
      axis: 0,
    },
    {
      shapes: [
        [4, 40],
        [4, 40],
      ],
      axis: 1,
    }, // long runs: tfjs-wasm's
  ];
  for (const [i, c] of cases.entries()) {
    it(`matches cpu: ${c.shapes.map((s) => `[${s}]`).join(' + ')} on axis ${c.axis}`, async () => {
      await expectSameOnCpuAndWasm(
        () =>
          tf.concat(
            c.shapes.map((s, j) => randn(s, 10 * i + j)),
            c.axis,
          ),
        0,
      );
    });
  }

  it('concatenates int32 (tfjs-wasm kernel)', async () => {
    const [out] = await runOn('wasm', () =>
      tf.concat(
        [tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32')],
        1,
      ),
    );
    expect(Array.from(out!.values)).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
  });

  it('differentiates a skip connection like cpu', async () => {
    await expectSameOnCpuAndWasm(() =>
      tf.grads((a, b) =>
        tf
          .concat([a, b], 3)
          .mul(randn([2, 4, 5, 6], 7))
          .sum(),
      )([randn([2, 4, 5, 3], 1), randn([2, 4, 5, 3], 2)]),
    );
  });
});
