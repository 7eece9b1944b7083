import { ShapeError, tf } from '@spikedistill/core';
import type { BatchNorm } from './batch-norm.js';
import type { Conv2d } from './conv2d.js';
import { batchToSeq, seqToBatch } from './seq-batch.js';

/**
 * conv → norm on sequences: `x` is [T, N, H, W, C_in], or several such whose
 * channels together make C_in (a skip concatenation, convolved without
 * concatenating, see `Conv2d.forwardConcat`); returns [T, N, H', W', C_out].
 * One conv call for all T steps. `owner` names the block in shape errors.
 */
export function convNormOverTime(
  owner: string,
  conv: Conv2d,
  norm: BatchNorm | undefined,
  inChannels: number,
  x: tf.Tensor | readonly tf.Tensor[],
): tf.Tensor {
  const xs = Array.isArray(x) ? x : [x as tf.Tensor];
  const channels = xs.reduce((n, xi) => n + (xi.shape[4] ?? 0), 0);
  if (xs.length === 0 || xs.some((xi) => xi.rank !== 5) || channels !== inChannels) {
    throw new ShapeError(
      owner,
      `[T, N, H, W, ${inChannels}]`,
      xs.length === 1 ? xs[0]!.shape : [...(xs[0]?.shape.slice(0, 4) ?? []), channels],
    );
  }
  return tf.tidy(() => {
    const t = xs[0]!.shape[0]!;
    const merged = xs.map((xi) => seqToBatch(xi) as tf.Tensor4D);
    let y: tf.Tensor = merged.length === 1 ? conv.forward(merged[0]!) : conv.forwardConcat(merged);
    if (norm) y = norm.forward(y);
    return batchToSeq(y, t);
  });
}
