import { tf } from '@spikedistill/core';
import { expect } from 'vitest';
import { kernel } from '../kernels/compare-backends.test-helpers.js';
import { nativeConvStatus } from './native-conv.js';

/** The three conv passes of a training step on one case: forward, dx, dW. */
export function convPasses(
  c: {
    x: number[];
    f: number[];
    s: number | [number, number];
    pad: Parameters<typeof tf.conv2d>[3];
  },
  { x, w, dy }: { x: tf.Tensor4D; w: tf.Tensor4D; dy: tf.Tensor },
): tf.Tensor[] {
  const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC' };
  return [
    tf.conv2d(x, w, c.s, c.pad),
    kernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }),
    kernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.f }),
  ];
}

/**
 * Each pass of `convPasses` ran natively (not a silent fallback to the wasm
 * kernels): dx as one native pass, or (strided) as the wasm kernel's phases,
 * whose one convolution is a native forward pass.
 */
export function expectPassesNative(): void {
  const { passes } = nativeConvStatus();
  expect(passes.filterGrad).toEqual({ native: 1, wasm: 0 });
  expect(passes.forward.wasm + passes.inputGrad.wasm).toBe(0);
  expect(passes.forward.native + passes.inputGrad.native).toBe(2);
}
