import { tf } from '@spikedistill/core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/**
 * Gradients of Sum and Mean that broadcast dy with tf.broadcastTo (the Tile
 * kernel: memcpy doublings on wasm) instead of multiplying it by
 * tf.ones(x.shape), which tfjs-core 4.22 builds as a JavaScript array, copies
 * into the heap and multiplies: 8 MB of garbage and two full passes per
 * reduction of a [4, 8, 64, 64, 16] feature map (the spiking U-Net's mean
 * over time; 20 ms and much of the garbage collection of its step, measured
 * with --cpu-prof). Same values: dy·1 = dy, and dy/n once per reduced row.
 * Installed with the kernels (register-all.ts), for every backend.
 */

/** dy reshaped to x's rank (reduced axes of length 1), as tfjs's own gradients do. */
function expanded(dy: Tensor, x: Tensor, attrs: NamedAttrMap): { dy: Tensor; size: number } {
  const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
  const shape = x.shape.slice();
  let size = 1;
  for (const axis of axes) {
    size *= shape[axis]!;
    shape[axis] = 1;
  }
  return { dy: tf.reshape(dy, shape), size };
}

export const sumGradConfig: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], [x]: Tensor[], attrs: NamedAttrMap) => ({
    x: () => tf.broadcastTo(tf.cast(expanded(dy as Tensor, x!, attrs).dy, 'float32'), x!.shape),
  }),
};

export const meanGradConfig: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], [x]: Tensor[], attrs: NamedAttrMap) => ({
    x: () => {
      const e = expanded(dy as Tensor, x!, attrs);
      return tf.broadcastTo(tf.div(tf.cast(e.dy, 'float32'), e.size), x!.shape);
    },
  }),
};
