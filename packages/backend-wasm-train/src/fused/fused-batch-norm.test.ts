import { BatchNorm } from '@spikedistill/nn';
import {
  activateWasm,
  type FusedBatchNormAttrs,
  fusedBatchNorm,
  hasFusedBatchNorm,
  SpikedistillError,
  tf,
} from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectGradMatchesFiniteDifferences,
  randn,
  relativeError,
} from '../kernels/compare-backends.test-helpers.js';
import type { WasmBackend } from '../kernels/wasm-backend.js';
import { batchNormWasmFor } from './batch-norm-wasm.js';
import { installKernels } from '../register-all.js';
import { installCpuFusedBatchNorm } from '../testing/cpu-fused-batch-norm.js';

beforeAll(async () => {
  await activateWasm();
  installKernels();
  installCpuFusedBatchNorm();
});

/** What core's BatchNorm computes without the kernel: tf.moments, then the affine. */
function unfused(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, a: FusedBatchNormAttrs) {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const invStd = tf.rsqrt(tf.add(variance, a.eps));
  const y = tf.add(tf.mul(tf.mul(tf.sub(x, mean), invStd), tf.mul(weight, a.scale)), bias);
  return { y, mean, variance, invStd };
}

type Impl = typeof unfused;
const shapes: { x: number[]; offset: number; a: FusedBatchNormAttrs }[] = [
  { x: [2, 5, 4, 3], offset: 0, a: { eps: 1e-5, scale: 1 } },
  // [T, N, H, W, C] as the spiking blocks' tdBN, scaled by α·V_th
  { x: [4, 2, 3, 3, 5], offset: 0.5, a: { eps: 1e-5, scale: 0.15 } },
  { x: [7, 1], offset: -2, a: { eps: 1e-4, scale: 1 } },
  // a mean far from zero: the variance must not cancel away
  { x: [3, 6, 6, 4], offset: 1000, a: { eps: 1e-5, scale: 1 } },
  // one value per channel: variance 0, invStd 1/√eps
  { x: [1, 1, 1, 6], offset: 0, a: { eps: 1e-3, scale: 2 } },
  // channels in SIMD lane groups of 4 on wasm (the shapes above use the scalar loops but one)
  { x: [3, 5, 7, 8], offset: -0.7, a: { eps: 1e-5, scale: 0.15 } },
  { x: [2, 4, 2, 3, 16], offset: 0.1, a: { eps: 1e-5, scale: 1 } },
];

async function valuesOn(backend: 'cpu' | 'wasm', impl: Impl, i: number) {
  await tf.setBackend(backend);
  const { x: shape, offset, a } = shapes[i]!;
  return tf.tidy(() => {
    const x = tf.add(tf.mul(randn(shape, i), 3), offset);
    const weight = randn([shape.at(-1)!], 10 + i);
    const bias = randn([shape.at(-1)!], 20 + i);
    const r = impl(x, weight, bias, a);
    return [r.y, r.mean, r.variance, r.invStd].map((t) => t.dataSync());
  });
}

/** Gradients w.r.t. x, weight and bias of a loss that uses every output. */
async function gradsOn(backend: 'cpu' | 'wasm', impl: Impl, i: number, statsInLoss: boolean) {
  await tf.setBackend(backend);
  const { x: shape, a } = shapes[i]!;
  return tf.tidy(() => {
    const x = randn(shape, i);
    const c = shape.at(-1)!;
    const weight = randn([c], 10 + i);
    const bias = randn([c], 20 + i);
    const wy = randn(shape, 30 + i);
    const loss = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => {
      const r = impl(xi, wi, bi, a);
      let l = tf.sum(tf.mul(r.y, wy));
      if (statsInLoss) {
        l = tf.add(l, tf.sum(tf.mul(r.mean, randn([c], 40 + i))));
        l = tf.add(l, tf.sum(tf.mul(r.variance, randn([c], 50 + i))));
        l = tf.add(l, tf.sum(tf.mul(r.invStd, tf.mul(randn([c], 60 + i), 1e-3))));
      }
      return l as tf.Scalar;
    };
    return tf
      .grads(loss)([x, weight, bias])
      .map((g) => g.dataSync());
  });
}

const fused: Impl = (x, w, b, a) => fusedBatchNorm(x, w, b, a);

describe('SpikedistillFusedBatchNorm', () => {
  it('is registered on cpu and wasm, where its WebAssembly loops load', async () => {
    expect(hasFusedBatchNorm('cpu')).toBe(true);
    expect(hasFusedBatchNorm('wasm')).toBe(true);
    await tf.setBackend('wasm');
    expect(batchNormWasmFor(tf.backend() as unknown as WasmBackend)).toBeDefined();
  });

  for (const [i, { x, offset, a }] of shapes.entries()) {
    it(`matches tf.moments and the affine: x ${x} + ${offset}, eps ${a.eps}, scale ${a.scale}`, async () => {
      const ref = await valuesOn('cpu', unfused, i);
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await valuesOn(backend, fused, i);
        ['y', 'mean', 'variance', 'invStd'].forEach((name, k) => {
          expect(relativeError(ref[k]!, got[k]!), `${backend} ${name}`).toBeLessThanOrEqual(1e-5);
        });
      }
    });
  }

  for (const statsInLoss of [false, true]) {
    it(`has the unfused gradient w.r.t. x, weight and bias${statsInLoss ? ' (mean, variance and invStd in the loss too)' : ''}`, async () => {
      for (const i of [0, 1, 2, 5, 6]) {
        const ref = await gradsOn('cpu', unfused, i, statsInLoss);
        for (const backend of ['cpu', 'wasm'] as const) {
          const got = await gradsOn(backend, fused, i, statsInLoss);
          ['dx', 'dweight', 'dbias'].forEach((name, k) => {
            expect(
              relativeError(ref[k]!, got[k]!),
              `${backend} ${name}, shape ${i}`,
            ).toBeLessThanOrEqual(1e-4);
          });
        }
      }
    });
  }

  it('gives the gradient finite differences give (wasm)', async () => {
    await tf.setBackend('wasm');
    const weight = randn([3], 1);
    const bias = randn([3], 2);
    const wy = randn([2, 4, 3, 3], 3);
    const x = randn([2, 4, 3, 3], 4);
    const a = { eps: 1e-3, scale: 0.7 };
    expectGradMatchesFiniteDifferences(
      (xi) => tf.sum(tf.mul(fusedBatchNorm(xi, weight, bias, a).y, wy)) as tf.Scalar,
      x,
    );
    expectGradMatchesFiniteDifferences(
      (wi) => tf.sum(tf.mul(fusedBatchNorm(x, wi, bias, a).y, wy)) as tf.Scalar,
      weight,
    );
    tf.dispose([weight, bias, wy, x]);
  });

  it('leaks no tensors, forward or backward', async () => {
    await tf.setBackend('wasm');
    const x = randn([3, 4, 4, 5], 1);
    const weight = randn([5], 2);
    const bias = randn([5], 3);
    await expectNoLeaks(() => {
      const grads = tf.grads((xi, wi) =>
        tf.sum(tf.square(fusedBatchNorm(xi, wi, bias, { eps: 1e-5, scale: 1 }).y)),
      )([x, weight]);
      tf.dispose(grads);
    });
    tf.dispose([x, weight, bias]);
  });

  it('rejects a per-channel input of the wrong size, and bad attrs', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([2, 3, 4]);
    expect(() => fusedBatchNorm(x, tf.ones([3]), tf.zeros([4]), { eps: 1e-5, scale: 1 })).toThrow(
      /\[4\]/,
    );
    expect(() =>
      fusedBatchNorm(x, tf.ones([4]), tf.zeros([4]), { eps: Number.NaN, scale: 1 }),
    ).toThrow(SpikedistillError);
    x.dispose();
  });

  it("makes core's BatchNorm (and tdBN) train as before, running statistics included", async () => {
    const run = async (backend: 'cpu' | 'wasm', useFused: boolean) => {
      await tf.setBackend(backend);
      const bn = new BatchNorm(4, { scale: 0.15, momentum: 0.2 });
      const x = tf.add(tf.mul(randn([3, 2, 5, 5, 4], 1), 2), 0.3);
      const wy = randn([3, 2, 5, 5, 4], 2);
      const grads = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(useFused ? bn.forward(x) : unfusedModule(bn, x), wy)) as tf.Scalar,
          [bn.weight, bn.bias],
        );
        return [value, grads[bn.weight.name]!, grads[bn.bias.name]!].map((t) => t.dataSync());
      });
      const out = [...grads, bn.runningMean.dataSync(), bn.runningVar.dataSync()];
      tf.dispose([x, wy]);
      bn.dispose();
      return out;
    };
    // The reference: the module's own tf-op path (no fused kernel on the backend).
    const unfusedModule = (bn: BatchNorm, x: tf.Tensor) => {
      const r = unfused(x, bn.weight, bn.bias, { eps: bn.eps, scale: bn.scale });
      const count = x.size / bn.channels;
      bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 0.8), tf.mul(r.mean, 0.2)));
      bn.runningVar.assign(
        tf.add(tf.mul(bn.runningVar, 0.8), tf.mul(tf.mul(r.variance, count / (count - 1)), 0.2)),
      );
      return r.y;
    };
    const ref = await run('cpu', false);
    const got = await run('wasm', true);
    got.forEach((values, k) => {
      expect(relativeError(ref[k]!, values), `output ${k}`).toBeLessThanOrEqual(1e-4);
    });
  });
});
