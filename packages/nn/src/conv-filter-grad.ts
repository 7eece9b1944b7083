import { tf } from '@spikedistill/core';

type Pad = 'same' | 'valid' | number;

/**
 * Whether to compute filter gradients ourselves: the cpu backend's
 * Conv2DBackpropFilter runs at a few MFLOP/s (70× slower than the route
 * below on a 64×64×24 layer), and plain tfjs-backend-wasm has none. A
 * backend that registers its own (tfjs-node, backend-wasm-train) keeps it.
 */
export function needsOwnFilterGrad(): boolean {
  const backend = tf.getBackend();
  return backend === 'cpu' || tf.getKernel('Conv2DBackpropFilter', backend) === undefined;
}

/** Padding (top, left) that tf.conv2d applies for `pad` on a k×k, stride-1-or-more conv. */
function padBefore(pad: Pad, k: number, stride: number, size: number): number {
  if (pad === 'valid') return 0;
  if (typeof pad === 'number') return pad;
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2);
}

/**
 * dL/dW of y = conv2d(x, W) as one forward convolution with the batch and
 * channel axes swapped: the (padded) input, [Cin, H, W, N], is convolved
 * with dy, [Ho, Wo, N, Cout], as the filter (dilated by the stride), which
 * gives [Cin, k, k, Cout]. Forward convolutions are what every backend does
 * fastest.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  stride: number,
  pad: Pad,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [k] = filterShape;
    const [, h, w] = x.shape;
    const [, ho, wo] = dy.shape;
    const top = padBefore(pad, k, stride, h);
    const left = padBefore(pad, k, stride, w);
    // Only the rows/cols the forward pass reached: (out−1)·stride + k.
    const needH = (ho - 1) * stride + k;
    const needW = (wo - 1) * stride + k;
    const bottom = needH - h - top;
    const right = needW - w - left;
    const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    let g: tf.Tensor4D;
    if (bottom >= 0 && right >= 0) {
      // The padding goes into the conv itself: no padded copy of x.
      const input = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
      const padding: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      g = tf.conv2d(input, filter, 1, padding, 'NHWC', stride);
    } else {
      // Rows/cols the forward pass never reached are cut off first.
      const xp = tf.slice(
        tf.pad(x, [
          [0, 0],
          [top, Math.max(bottom, 0)],
          [left, Math.max(right, 0)],
          [0, 0],
        ]),
        [0, 0, 0, 0],
        [-1, needH, needW, -1],
      );
      g = tf.conv2d(
        tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D,
        filter,
        1,
        'valid',
        'NHWC',
        stride,
      );
    }
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** tf.conv2d whose filter gradient takes the route above where the backend's is slow or missing. */
export function conv2dFast(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: Pad): tf.Tensor4D {
  if (!needsOwnFilterGrad()) return tf.conv2d(x, w, stride, pad);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, wi]);
    return {
      value: tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, stride, pad),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          tf.conv2dTranspose(dy as tf.Tensor4D, ws, xs.shape, stride, pad),
          conv2dFilterGrad(xs, dy as tf.Tensor4D, ws.shape, stride, pad),
        ];
      },
    };
  });
  return f(x, w) as tf.Tensor4D;
}

/** dL/dW of the 2×2 stride-2 transposed conv, W: [2, 2, Cout, Cin], y: [N, 2H, 2W, Cout]. */
function convTranspose2x2FilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ci] = x.shape;
    const co = dy.shape[3];
    // dy[n, 2y+i, 2x+j, o] → [i, j, o, n·y·x]
    const phases = tf.reshape(
      tf.transpose(tf.reshape(dy, [n, h, 2, w, 2, co]), [2, 4, 5, 0, 1, 3]),
      [4 * co, n * h * w],
    );
    const g = tf.matMul(phases, tf.reshape(x, [n * h * w, ci]));
    return tf.reshape(g, [2, 2, co, ci]);
  });
}

/** 2×2 stride-2 'valid' tf.conv2dTranspose with a filter gradient that every backend can run. */
export function convTranspose2x2Fast(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  outChannels: number,
): tf.Tensor4D {
  const [n, h, wd] = x.shape;
  const shape: [number, number, number, number] = [n, h * 2, wd * 2, outChannels];
  if (!needsOwnFilterGrad()) return tf.conv2dTranspose(x, w, shape, 2, 'valid');
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, wi]);
    return {
      value: tf.conv2dTranspose(xi as tf.Tensor4D, wi as tf.Tensor4D, shape, 2, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [
          tf.conv2d(dy as tf.Tensor4D, ws, 2, 'valid'),
          convTranspose2x2FilterGrad(xs, dy as tf.Tensor4D),
        ];
      },
    };
  });
  return f(x, w) as tf.Tensor4D;
}
