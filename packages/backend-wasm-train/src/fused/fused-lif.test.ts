import {
  activateWasm,
  type FusedLifAttrs,
  type FusedSurrogateName,
  fusedLif,
  hasFusedLif,
  Rng,
  tf,
} from '@spikedistill/core';
import { expectNoLeaks } from '@spikedistill/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { lifBackward } from './lif-math.js';
import { lifWasmFor } from './lif-wasm.js';
import { installKernels } from '../register-all.js';
import { installCpuFusedLif } from '../testing/cpu-fused-lif.js';
import { fusedSurrogateNames } from './surrogates.js';

const backends = ['cpu', 'wasm'] as const;

const defaults: FusedLifAttrs = {
  tau: 2,
  threshold: 1,
  vReset: 0,
  decayInput: true,
  detachReset: false,
  surrogate: 'sigmoid',
  alpha: 4,
};

beforeAll(async () => {
  await activateWasm();
  installKernels();
  installCpuFusedLif();
});

// ---------------------------------------------------------------------------
// The unfused reference: the neuron written step by step with plain tf ops,
// the spike's gradient given by tf.customGrad. It is what @spikedistill/neurons
// computes when the fused kernel is absent.

function surrogateTensor(name: FusedSurrogateName, alpha: number, x: tf.Tensor): tf.Tensor {
  const abs = tf.abs(x);
  switch (name) {
    case 'sigmoid': {
      const s = tf.sigmoid(tf.mul(x, alpha));
      return tf.mul(tf.mul(s, tf.sub(1, s)), alpha);
    }
    case 'atan': {
      const k = tf.mul(x, (Math.PI / 2) * alpha);
      return tf.div(alpha / 2, tf.add(1, tf.square(k)));
    }
    case 'triangle':
      return tf.relu(tf.sub(alpha, tf.mul(abs, alpha * alpha)));
    case 'fast-sigmoid':
      return tf.div(1, tf.square(tf.add(1, tf.mul(abs, alpha))));
    case 'rect':
      return tf.div(tf.cast(tf.less(abs, alpha / 2), 'float32'), alpha);
  }
}

function spikeFn(name: FusedSurrogateName, alpha: number) {
  return tf.customGrad((x, save) => {
    const xt = x as tf.Tensor;
    (save as tf.GradSaveFunc)([xt]);
    return {
      value: tf.cast(tf.greaterEqual(xt, 0), 'float32'),
      gradFunc: (dy, saved) => tf.mul(dy as tf.Tensor, surrogateTensor(name, alpha, saved[0]!)),
    };
  });
}

const detach = tf.customGrad((x) => ({
  value: tf.clone(x as tf.Tensor),
  gradFunc: (dy) => tf.zerosLike(dy as tf.Tensor),
}));

function unfusedLif(x: tf.Tensor, v0: tf.Tensor, a: FusedLifAttrs) {
  const spike = spikeFn(a.surrogate, a.alpha);
  const vr = tf.scalar(a.vReset ?? 0);
  const tau = tf.scalar(a.tau);
  let v = v0;
  const spikes: tf.Tensor[] = [];
  const hs: tf.Tensor[] = [];
  const [T, ...S] = x.shape;
  // Sliced step by step: tf.unstack's gradient fails for T = 1 (tfjs 4.22).
  for (let t = 0; t < T!; t++) {
    const xt = tf.reshape(tf.slice(x, [t, ...S.map(() => 0)], [1, ...S]), S);
    let h: tf.Tensor;
    if (a.tau === Number.POSITIVE_INFINITY) h = tf.add(v, xt);
    else if (a.decayInput) h = tf.add(v, tf.div(tf.sub(xt, tf.sub(v, vr)), tau));
    else h = tf.add(tf.sub(v, tf.div(tf.sub(v, vr), tau)), xt);
    const s = spike(tf.sub(h, a.threshold));
    const sr = a.detachReset ? detach(s) : s;
    v =
      a.vReset === null
        ? tf.sub(h, tf.mul(sr, a.threshold))
        : tf.add(tf.mul(sr, vr), tf.mul(tf.sub(1, sr), h));
    spikes.push(s);
    hs.push(h);
  }
  return { spikes: tf.stack(spikes), v, h: tf.stack(hs) };
}

// ---------------------------------------------------------------------------

function randomTensor(rng: Rng, shape: number[], lo: number, hi: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillUniform(new Float32Array(n), lo, hi), shape);
}

/** max |a − b| / max(1, max |b|). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const variants: { name: string; attrs: Partial<FusedLifAttrs> }[] = [];
for (const surrogate of fusedSurrogateNames) {
  const alpha = { sigmoid: 4, atan: 2, triangle: 1, 'fast-sigmoid': 5, rect: 1 }[surrogate];
  for (const decayInput of [true, false]) {
    for (const vReset of [0, -0.2, null]) {
      for (const detachReset of [false, true]) {
        variants.push({
          name: `${surrogate} decayInput=${decayInput} vReset=${vReset} detach=${detachReset}`,
          attrs: { surrogate, alpha, decayInput, vReset, detachReset },
        });
      }
    }
  }
}
variants.push({ name: 'IF (tau=Infinity) hard', attrs: { tau: Number.POSITIVE_INFINITY } });
variants.push({
  name: 'IF (tau=Infinity) soft, atan',
  attrs: { tau: Number.POSITIVE_INFINITY, vReset: null, surrogate: 'atan', alpha: 2 },
});
variants.push({ name: 'tau=1.5 threshold=0.15', attrs: { tau: 1.5, threshold: 0.15 } });
variants.push({
  name: 'tau=3 threshold=0.15 input not decayed',
  attrs: { tau: 3, threshold: 0.15, decayInput: false },
});

describe.each(backends)('SpikedistillFusedLif on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('is registered, with a gradient', () => {
    expect(hasFusedLif(backend)).toBe(true);
    expect(tf.getGradient('SpikedistillFusedLif')).toBeDefined();
  });

  describe('hand-computed: x = 0.6, 0.6, 0.6, 2.5, 0; tau 2, threshold 1, vReset 0', () => {
    const cases = [
      {
        name: 'decayInput, hard reset',
        attrs: { decayInput: true, vReset: 0 },
        h: [0.3, 0.45, 0.525, 1.5125, 0],
        spikes: [0, 0, 0, 1, 0],
        v: 0,
      },
      {
        name: 'decayInput, soft reset',
        attrs: { decayInput: true, vReset: null },
        h: [0.3, 0.45, 0.525, 1.5125, 0.25625],
        spikes: [0, 0, 0, 1, 0],
        v: 0.25625,
      },
      {
        name: 'input not decayed, hard reset',
        attrs: { decayInput: false, vReset: 0 },
        h: [0.6, 0.9, 1.05, 2.5, 0],
        spikes: [0, 0, 1, 1, 0],
        v: 0,
      },
      {
        name: 'input not decayed, soft reset',
        attrs: { decayInput: false, vReset: null },
        h: [0.6, 0.9, 1.05, 2.525, 0.7625],
        spikes: [0, 0, 1, 1, 0],
        v: 0.7625,
      },
    ];
    it.each(cases)('$name', async ({ attrs, h, spikes, v }) => {
      await expectNoLeaks(() => {
        const x = tf.tensor2d([0.6, 0.6, 0.6, 2.5, 0], [5, 1]);
        const v0 = tf.zeros([1]);
        const out = fusedLif(x, v0, { ...defaults, ...attrs });
        expect(Array.from(out.spikes.dataSync())).toEqual(spikes);
        const hv = out.h.dataSync();
        for (const [i, value] of h.entries()) expect(hv[i]).toBeCloseTo(value, 6);
        expect(out.v.dataSync()[0]).toBeCloseTo(v, 6);
        tf.dispose([x, v0, out.spikes, out.v, out.h]);
      });
    });

    it('gradient by hand: decayInput, hard reset, sigmoid α=4, L = Σ spikes', async () => {
      // Only t = 3 fires; H = [0.3, 0.45, 0.525, 1.5125, 0]. Walking back with
      // g(t) = 4σ(4(H−1))(1−σ(4(H−1))), ∂V/∂H = (1 − S) − H·g, ∂H/∂V = ∂H/∂X = 1/2:
      const sig = (z: number) => 1 / (1 + Math.exp(-z));
      const g = (hv: number) => 4 * sig(4 * (hv - 1)) * (1 - sig(4 * (hv - 1)));
      const H = [0.3, 0.45, 0.525, 1.5125, 0];
      const S = [0, 0, 0, 1, 0];
      const dx = new Array<number>(5);
      let gV = 0;
      for (let t = 4; t >= 0; t--) {
        const gH = g(H[t]!) + gV * (1 - S[t]! - H[t]! * g(H[t]!));
        dx[t] = gH / 2;
        gV = gH / 2;
      }
      await expectNoLeaks(() => {
        const x = tf.tensor2d([0.6, 0.6, 0.6, 2.5, 0], [5, 1]);
        const v0 = tf.zeros([1]);
        const [gx, gv0] = tf.grads((xx: tf.Tensor, vv: tf.Tensor) =>
          tf.sum(fusedLif(xx, vv, defaults).spikes),
        )([x, v0]);
        const got = gx!.dataSync();
        for (const [i, value] of dx.entries()) expect(got[i]).toBeCloseTo(value, 5);
        // ∂H[0]/∂v0 = 1/2 like ∂H[0]/∂x[0]: the same gradient.
        expect(gv0!.dataSync()[0]).toBeCloseTo(dx[0]!, 5);
        tf.dispose([x, v0, gx!, gv0!]);
      });
    });
  });

  describe.each(variants)('matches the unfused neuron: $name', ({ attrs: partial }) => {
    const attrs = { ...defaults, ...partial };
    it.each([
      [4, [2, 3, 5]],
      [1, [7]],
      [3, [2, 1, 4, 3]],
    ])('T=%i, S=%j: same forward, gradients to 1e-5', async (T, S) => {
      const rng = new Rng(T * 1000 + S.length);
      const x = randomTensor(rng, [T, ...S], -0.5, 2);
      const v0 = randomTensor(rng, S, -0.3, 0.9);
      const wS = randomTensor(rng, [T, ...S], -1, 1);
      const wV = randomTensor(rng, S, -1, 1);
      const wH = randomTensor(rng, [T, ...S], -1, 1);
      const loss = (o: { spikes: tf.Tensor; v: tf.Tensor; h: tf.Tensor }) =>
        tf.addN([tf.sum(tf.mul(o.spikes, wS)), tf.sum(tf.mul(o.v, wV)), tf.sum(tf.mul(o.h, wH))]);
      await expectNoLeaks(() => {
        const fused = tf.tidy(() => {
          const o = fusedLif(x, v0, attrs);
          return [o.spikes, o.v, o.h];
        });
        const ref = tf.tidy(() => {
          const o = unfusedLif(x, v0, attrs);
          return [o.spikes, o.v, o.h];
        });
        expect(Array.from(fused[0]!.dataSync())).toEqual(Array.from(ref[0]!.dataSync()));
        expect(Array.from(fused[1]!.dataSync())).toEqual(Array.from(ref[1]!.dataSync()));
        expect(Array.from(fused[2]!.dataSync())).toEqual(Array.from(ref[2]!.dataSync()));
        const gFused = tf.grads((xx: tf.Tensor, vv: tf.Tensor) => loss(fusedLif(xx, vv, attrs)))([
          x,
          v0,
        ]);
        const gRef = tf.grads((xx: tf.Tensor, vv: tf.Tensor) => loss(unfusedLif(xx, vv, attrs)))([
          x,
          v0,
        ]);
        expect(relErr(gFused[0]!.dataSync(), gRef[0]!.dataSync())).toBeLessThanOrEqual(1e-5);
        expect(relErr(gFused[1]!.dataSync(), gRef[1]!.dataSync())).toBeLessThanOrEqual(1e-5);
        tf.dispose([...fused, ...ref, ...gFused, ...gRef]);
      });
      tf.dispose([x, v0, wS, wV, wH]);
    });
  });

  it('leaves nothing behind when v0 needs no gradient (dv0 computed, never asked for)', async () => {
    const x = tf.variable(tf.fill([4, 3], 0.7));
    await expectNoLeaks(() => {
      const v0 = tf.zeros([3]);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(fusedLif(x, v0, defaults).spikes),
        [x],
      );
      expect(grads[x.name]!.shape).toEqual([4, 3]);
      tf.dispose([value, grads[x.name]!, v0]);
    });
    x.dispose();
  });

  it('rejects mismatched shapes and non-float inputs with E_SHAPE', () => {
    const x = tf.zeros([4, 2, 3]);
    const bad = tf.zeros([3, 2]);
    const ints = tf.zeros([4, 2, 3], 'int32');
    const v0 = tf.zeros([2, 3]);
    expect(() => fusedLif(x, bad, defaults)).toThrow(/expected shape \[T, 3, 2\]/);
    expect(() => fusedLif(ints, v0, defaults)).toThrow(/must be float32/);
    expect(() => fusedLif(x, v0, { ...defaults, surrogate: 'erf' as never })).toThrow(
      /unknown surrogate 'erf'/,
    );
    tf.dispose([x, bad, ints, v0]);
  });
});

describe('lifBackward vs finite differences of the surrogate-substituted neuron', () => {
  // The spike step replaced by a smooth function whose derivative is the
  // surrogate: then the surrogate gradient is that graph's true gradient, and
  // central differences (in float64) check the backward-through-time recursion.
  const primitives: Partial<Record<FusedSurrogateName, (x: number, a: number) => number>> = {
    sigmoid: (x, a) => 1 / (1 + Math.exp(-a * x)),
    atan: (x, a) => Math.atan((Math.PI / 2) * a * x) / Math.PI + 0.5,
    'fast-sigmoid': (x, a) => 0.5 + x / (1 + a * Math.abs(x)),
  };

  function smoothForward(
    x: Float64Array,
    v0: Float64Array,
    a: FusedLifAttrs,
    step: (z: number) => number,
  ) {
    const n = v0.length;
    const T = x.length / n;
    const s = new Float64Array(x.length);
    const h = new Float64Array(x.length);
    const v = Float64Array.from(v0);
    const vr = a.vReset ?? 0;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) {
        const k = t * n + i;
        const vi = v[i]!;
        const hi = a.decayInput ? vi + (x[k]! - (vi - vr)) / a.tau : vi - (vi - vr) / a.tau + x[k]!;
        const si = step(hi - a.threshold);
        h[k] = hi;
        s[k] = si;
        v[i] = a.vReset === null ? hi - si * a.threshold : si * vr + (1 - si) * hi;
      }
    }
    return { s, h, v };
  }

  const cases = Object.keys(primitives).flatMap((surrogate) =>
    [true, false].flatMap((decayInput) =>
      [0, 0.1, null].map((vReset) => ({
        surrogate: surrogate as FusedSurrogateName,
        decayInput,
        vReset,
      })),
    ),
  );

  it.each(cases)(
    '$surrogate decayInput=$decayInput vReset=$vReset',
    ({ surrogate, decayInput, vReset }) => {
      const a: FusedLifAttrs = {
        ...defaults,
        surrogate,
        decayInput,
        vReset,
        alpha: 3,
        threshold: 0.5,
      };
      const step = (z: number) => primitives[surrogate]!(z, a.alpha);
      const rng = new Rng(7);
      const n = 3;
      const T = 5;
      const x = Float64Array.from({ length: T * n }, () => rng.uniform() * 1.5 - 0.2);
      const v0 = Float64Array.from({ length: n }, () => rng.uniform() * 0.6);
      const wS = Float64Array.from({ length: T * n }, () => rng.uniform() * 2 - 1);
      const wH = Float64Array.from({ length: T * n }, () => rng.uniform() * 2 - 1);
      const wV = Float64Array.from({ length: n }, () => rng.uniform() * 2 - 1);
      const dot = (p: Float64Array, q: Float64Array) =>
        p.reduce((acc, pi, i) => acc + pi * q[i]!, 0);
      const loss = (xx: Float64Array, vv: Float64Array) => {
        const o = smoothForward(xx, vv, a, step);
        return dot(o.s, wS) + dot(o.h, wH) + dot(o.v, wV);
      };

      const { s, h } = smoothForward(x, v0, a, step);
      const dx = new Float64Array(T * n);
      const dv0 = new Float64Array(n);
      lifBackward(wS, wV, wH, h, a, dx, dv0, s);

      const eps = 1e-6;
      const numeric = (arr: Float64Array, i: number) => {
        const keep = arr[i]!;
        arr[i] = keep + eps;
        const up = loss(x, v0);
        arr[i] = keep - eps;
        const down = loss(x, v0);
        arr[i] = keep;
        return (up - down) / (2 * eps);
      };
      for (let i = 0; i < x.length; i++) expect(dx[i]).toBeCloseTo(numeric(x, i), 6);
      for (let i = 0; i < n; i++) expect(dv0[i]).toBeCloseTo(numeric(v0, i), 6);
    },
  );
});

describe('the WebAssembly loops', () => {
  it('load on the wasm backend (the JavaScript loops are only a fallback there)', async () => {
    await tf.setBackend('wasm');
    const lif = lifWasmFor((tf.backend() as unknown as { wasm: object }).wasm);
    expect(typeof lif?.forward4).toBe('function');
    expect(typeof lif?.backward4).toBe('function');
  });
});
