import { tf } from '@spikedistill/core';

type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor;

/** `tf.customGrad` for a one-input op, typed (tfjs types the inputs as a union with the save function). */
export function unaryCustomGrad(
  f: (x: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: GradFunc },
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) =>
    f(x, save)) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => op(x);
}
