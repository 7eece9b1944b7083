import { beforeAll, describe, expect, it } from 'vitest';
import { Module, Rng, tf } from '@spikedistill/core';
import { Conv2d } from './conv2d.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('Conv2d', () => {
  it('pads odd kernels (k−1)/2 on every side at any stride, as PyTorch', () => {
    const conv = new Conv2d(new Rng(1), 2, 3, { stride: 2 });
    tf.tidy(() => {
      const x = tf.randomNormal([1, 8, 8, 2], 0, 1, 'float32', 1);
      const ref = tf.add(
        tf.conv2d(x as tf.Tensor4D, conv.weight as tf.Tensor4D, 2, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
        conv.bias!,
      );
      expect(maxDiff(conv.forward(x), ref)).toBeLessThan(1e-5);
    });
    expect(() => conv.forward(tf.zeros([1, 4, 4, 3]))).toThrow(
      'Conv2d: expected shape [N, H, W, 2], got [1, 4, 4, 3]',
    );
    conv.dispose();
  });

  it("initialises as PyTorch's default with init 'uniform', else He normal with a zero bias", () => {
    const uniform = new Conv2d(new Rng(2), 4, 8, { init: 'uniform' });
    const bound = 1 / Math.sqrt(3 * 3 * 4);
    for (const v of [uniform.weight, uniform.bias!]) {
      const values = [...v.dataSync()];
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(Math.fround(bound));
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(bound / 2);
    }
    const he = new Conv2d(new Rng(2), 4, 8, { kernel: 1, bias: true });
    expect([...he.bias!.dataSync()]).toEqual(new Array(8).fill(0));
    const w = [...he.weight.dataSync()];
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(Math.SQRT2 / 2 / 2);
    expect(std).toBeLessThan((Math.SQRT2 / 2) * 2);
    expect(new Conv2d(new Rng(2), 4, 8, { bias: false }).bias).toBeUndefined();
    uniform.dispose();
    he.dispose();
  });

  it('computes with the weight transform set on a model that holds it', () => {
    class Net extends Module {
      readonly conv = this.child('conv', new Conv2d(new Rng(3), 5, 3));
    }
    const net = new Net();
    const seen: tf.Variable[] = [];
    net.setWeightTransform((w) => {
      seen.push(w);
      return tf.mul(w, 2);
    });
    tf.tidy(() => {
      const a = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const b = tf.randomNormal([1, 4, 4, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const x = tf.concat([a, b], -1);
      const ref = tf.conv2d(x, tf.mul(net.conv.weight, 2) as tf.Tensor4D, 1, 'same');
      expect(maxDiff(net.conv.forward(x), ref)).toBeLessThan(1e-5);
      expect(maxDiff(net.conv.forwardConcat([a, b]), ref)).toBeLessThan(1e-5);
    });
    expect(seen).toEqual([net.conv.weight, net.conv.weight]);
    net.dispose();
  });
});

describe('Conv2d.forwardConcat', () => {
  it('equals the conv of the concatenation, values and gradients', () => {
    const conv = new Conv2d(new Rng(4), 5, 3);
    const a = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    const b = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const one = conv.forward(tf.concat([a, b], -1));
    const two = conv.forwardConcat([a, b]);
    expect(tf.max(tf.abs(tf.sub(one, two))).dataSync()[0]).toBeLessThan(1e-5);
    const g1 = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.square(conv.forward(tf.concat([x, y], -1) as tf.Tensor4D))),
    )([a, b]);
    const g2 = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.square(conv.forwardConcat([x as tf.Tensor4D, y as tf.Tensor4D]))),
    )([a, b]);
    for (let i = 0; i < 2; i++) {
      expect(tf.max(tf.abs(tf.sub(g1[i]!, g2[i]!))).dataSync()[0]).toBeLessThan(1e-3);
    }
    expect(() => conv.forwardConcat([a, a])).toThrow(/4 channels in all, the conv takes 5/);
    conv.dispose();
  });
});
