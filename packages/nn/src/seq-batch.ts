import { ShapeError, tf } from '@spikedistill/core';

/** [T, N, …] → [T·N, …]: lets any per-sample op run on every step at once. */
export function seqToBatch(x: tf.Tensor): tf.Tensor {
  if (x.rank < 2) throw new ShapeError('seqToBatch', '[T, N, …]', x.shape);
  const [t, n, ...rest] = x.shape;
  return tf.reshape(x, [t! * n!, ...rest]);
}

/** [T·N, …] → [T, N, …], the inverse of `seqToBatch`. */
export function batchToSeq(x: tf.Tensor, timesteps: number): tf.Tensor {
  const [tn, ...rest] = x.shape;
  if (x.rank < 1 || !Number.isInteger(timesteps) || timesteps < 1 || tn! % timesteps !== 0) {
    throw new ShapeError(
      `batchToSeq (T = ${timesteps})`,
      '[T·N, …] with T·N divisible by T',
      x.shape,
    );
  }
  return tf.reshape(x, [timesteps, tn! / timesteps, ...rest]);
}

/**
 * Wraps an op written for [N, …] so it applies to [T, N, …] by merging T
 * into the batch (SpikingJelly's `SeqToANNContainer`): one conv call for all
 * steps instead of T.
 */
export function overTime(op: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return (x) =>
    tf.tidy(() => {
      const t = x.shape[0]!;
      return batchToSeq(op(seqToBatch(x)), t);
    });
}
