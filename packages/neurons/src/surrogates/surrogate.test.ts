import { tf } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { neuronsRegistry } from '../testing/registry.js';

const registry = neuronsRegistry();
const points = [-1.3, -0.6, -0.3, -0.1, 0, 0.05, 0.2, 0.45, 0.9, 2];

/** Closed forms of g'(x), written independently of the plugins. */
const closedForms: Record<string, (x: number, a: number) => number> = {
  sigmoid: (x, a) => {
    const s = 1 / (1 + Math.exp(-a * x));
    return a * s * (1 - s);
  },
  atan: (x, a) => a / 2 / (1 + ((Math.PI / 2) * a * x) ** 2),
  triangle: (x, a) => Math.max(0, a - a * a * Math.abs(x)),
  'fast-sigmoid': (x, a) => 1 / (1 + a * Math.abs(x)) ** 2,
  rect: (x, a) => (Math.abs(x) < a / 2 ? 1 / a : 0),
};
const defaults: Record<string, number> = {
  sigmoid: 4,
  atan: 2,
  triangle: 1,
  'fast-sigmoid': 25,
  rect: 1,
};

describe('surrogates', () => {
  it('registers the five named surrogates', () => {
    expect(registry.list('surrogate')).toEqual(Object.keys(closedForms).sort());
  });

  for (const name of Object.keys(closedForms)) {
    describe(name, () => {
      const s = registry.create('surrogate', name);
      const x = tf.tensor1d(points);

      it(`defaults to α = ${defaults[name]}`, () => {
        expect(s.alpha).toBe(defaults[name]);
      });

      it('is Heaviside forward: spike(0) = 1, spikeStrict(0) = 0', () => {
        expect([...s.spike(x).dataSync()]).toEqual(points.map((p) => (p >= 0 ? 1 : 0)));
        expect([...s.spikeStrict(x).dataSync()]).toEqual(points.map((p) => (p > 0 ? 1 : 0)));
      });

      it("backpropagates g'(x), the closed form", () => {
        const dy = tf.tensor1d(points.map((_, i) => 1 + i / 10));
        const grad = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(s.spike(z), dy)))(x);
        const gradStrict = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(s.spikeStrict(z), dy)))(x);
        points.forEach((p, i) => {
          const want = closedForms[name]!(p, s.alpha) * (1 + i / 10);
          expect(grad.dataSync()[i]).toBeCloseTo(want, 5);
          expect(gradStrict.dataSync()[i]).toBeCloseTo(want, 5);
        });
        tf.dispose([dy, grad, gradStrict]);
      });

      it("its primitive g has g' as derivative (finite differences)", () => {
        const eps = 2e-4;
        const up = s.primitive(tf.add(x, eps)).dataSync();
        const down = s.primitive(tf.sub(x, eps)).dataSync();
        points.forEach((p, i) => {
          // Skip the kinks of the piecewise surrogates.
          if (name === 'rect' && Math.abs(Math.abs(p) - 0.5) < 2 * eps) return;
          const numeric = (up[i]! - down[i]!) / (2 * eps);
          expect(Math.abs(numeric - closedForms[name]!(p, s.alpha))).toBeLessThan(2e-2);
        });
      });

      it('honours a custom α', () => {
        const custom = registry.create('surrogate', name, { alpha: 3 });
        const got = custom.derivative(tf.scalar(0.1)).dataSync()[0]!;
        expect(got).toBeCloseTo(closedForms[name]!(0.1, 3), 5);
      });
    });
  }

  it('rejects α ≤ 0', () => {
    expect(() => registry.create('surrogate', 'atan', { alpha: 0 })).toThrow(/alpha/);
  });
});
