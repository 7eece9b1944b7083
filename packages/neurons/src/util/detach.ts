import { tf } from '@spikedistill/core';
import { unaryCustomGrad } from './custom-grad.js';

/**
 * Identity forward, zero gradient: tfjs has no `stopGradient`, and the
 * neurons need one for `detachReset` and snnTorch's detached reset signal.
 */
const detachOp = unaryCustomGrad((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

export function detach<T extends tf.Tensor>(x: T): T {
  return detachOp(x) as T;
}
