import { tf } from '@spikedistill/core';

/** Shapes both depthwise backprop tests run: strides, dilation, multipliers, odd sizes, batch 1. */
export const depthwiseCases: {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: 1 | 2;
  d: 1 | 2;
  pad: 'same' | 'valid';
}[] = [
  { x: [2, 9, 9, 3], f: [3, 3, 3, 1], s: 1, d: 1, pad: 'same' },
  { x: [1, 8, 11, 5], f: [3, 3, 5, 2], s: 2, d: 1, pad: 'same' },
  { x: [3, 7, 9, 6], f: [3, 3, 6, 1], s: 2, d: 1, pad: 'valid' },
  { x: [2, 11, 10, 3], f: [3, 3, 3, 3], s: 1, d: 2, pad: 'same' },
  { x: [1, 12, 9, 2], f: [5, 3, 2, 1], s: 1, d: 2, pad: 'valid' },
  { x: [2, 6, 7, 7], f: [2, 2, 7, 1], s: 2, d: 1, pad: 'valid' },
];

/**
 * The cpu backend's depthwise backprops ignore `dilations`, so the reference
 * for a dilated case is the undilated kernel with the filter's taps spread
 * out by zeros, which is the same convolution.
 */
export function spreadTaps(w: tf.Tensor, d: number): tf.Tensor {
  if (d === 1) return w.clone();
  const [fh, fw, c, m] = w.shape as [number, number, number, number];
  const src = w.bufferSync();
  const out = tf.buffer([(fh - 1) * d + 1, (fw - 1) * d + 1, c, m], 'float32');
  for (let i = 0; i < fh; i++)
    for (let j = 0; j < fw; j++)
      for (let k = 0; k < c; k++)
        for (let q = 0; q < m; q++) out.set(src.get(i, j, k, q), i * d, j * d, k, q);
  return out.toTensor();
}

export function onCpu(): boolean {
  return tf.getBackend() === 'cpu';
}
