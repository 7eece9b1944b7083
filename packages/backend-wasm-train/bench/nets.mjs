// The two benchmark nets in tfjs, layer for layer the same as torch_bench.py.
// Written with plain tf ops (not the restoration package's models) so the two
// sides are identical by construction and the bench runs before those exist.
import { fusedBatchNorm, fusedLif, hasFusedBatchNorm, tf } from '@spikedistill/core';

let seed = 1;
function conv(cin, cout, k = 3) {
  const std = Math.sqrt(2 / (k * k * cin));
  return tf.variable(tf.randomNormal([k, k, cin, cout], 0, std, 'float32', seed++));
}
function bnParams(c) {
  return { gamma: tf.variable(tf.ones([c])), beta: tf.variable(tf.zeros([c])) };
}
/**
 * Batch norm in training mode (batch statistics, gradients through them), as
 * @spikedistill/nn's BatchNorm: the fused kernel (one pass forward, one
 * backward) where the backend has it, else tf.moments and the affine, whose
 * gradient is ~25 tf ops (and on wasm, Tile makes 1/σ full size).
 */
function bn(h, p, fused = true) {
  if (fused && hasFusedBatchNorm()) {
    return fusedBatchNorm(h, p.gamma, p.beta, { eps: 1e-5, scale: 1 }).y;
  }
  const { mean, variance } = tf.moments(h, [0, 1, 2]);
  const normalised = tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normalised, p.gamma), p.beta);
}

/** DnCNN (Zhang et al. 2017): conv+ReLU, (depth−2)×(conv+BN+ReLU), conv; predicts the noise. */
export function dncnn({ depth = 6, width = 32, channels = 1, fusedNorm = true } = {}) {
  const first = conv(channels, width);
  const firstBias = tf.variable(tf.zeros([width]));
  const mids = Array.from({ length: depth - 2 }, () => ({
    w: conv(width, width),
    ...bnParams(width),
  }));
  const last = conv(width, channels);
  return {
    forward(x) {
      let h = tf.relu(tf.add(tf.conv2d(x, first, 1, 'same'), firstBias));
      for (const m of mids) h = tf.relu(bn(tf.conv2d(h, m.w, 1, 'same'), m, fusedNorm));
      return tf.sub(x, tf.conv2d(h, last, 1, 'same'));
    },
  };
}

/**
 * Spiking U-Net stand-in: direct encoding over T steps (folded into the batch
 * for the convolutions), conv → BN → LIF blocks at two scales (widths w, 2w),
 * a skip by concatenation, mean over T, an analog conv head and a global
 * residual. LIF as ESDNet's: τ 2, threshold 0.15, hard reset to 0, input not
 * decayed, sigmoid surrogate (α 4).
 */
export const lifAttrs = {
  tau: 2,
  threshold: 0.15,
  vReset: 0,
  decayInput: false,
  detachReset: false,
  surrogate: 'sigmoid',
  alpha: 4,
};

/** The unfused neuron for comparison: one tf op per charge/fire/reset term and step. */
const spikeSigmoid = tf.customGrad((x, save) => {
  save([x]);
  return {
    value: tf.cast(tf.greaterEqual(x, 0), 'float32'),
    gradFunc: (dy, [xs]) => {
      const s = tf.sigmoid(tf.mul(xs, lifAttrs.alpha));
      return tf.mul(dy, tf.mul(tf.mul(s, tf.sub(1, s)), lifAttrs.alpha));
    },
  };
});
function unfusedLif(x) {
  const { tau, threshold, vReset } = lifAttrs;
  let v = tf.zerosLike(x[0]);
  const out = [];
  for (const xt of x) {
    const h = tf.add(tf.sub(v, tf.div(tf.sub(v, vReset), tau)), xt);
    const s = spikeSigmoid(tf.sub(h, threshold));
    v = tf.add(tf.mul(s, vReset), tf.mul(tf.sub(1, s), h));
    out.push(s);
  }
  return tf.concat(out, 0);
}

export function spikingUnet({
  width = 16,
  timesteps = 4,
  channels = 1,
  fused = true,
  fusedNorm = true,
} = {}) {
  const w2 = 2 * width;
  const layers = {
    enc: { w: conv(channels, width), ...bnParams(width) },
    down: { w: conv(width, w2), ...bnParams(w2) },
    mid: { w: conv(w2, w2), ...bnParams(w2) },
    up: { w: conv(w2, width), ...bnParams(width) },
    dec: { w: conv(2 * width, width), ...bnParams(width) },
  };
  const head = conv(width, channels);
  const T = timesteps;
  const lif = (h) => {
    const [tn, hh, ww, c] = h.shape;
    const n = tn / T;
    if (!fused) return unfusedLif(tf.split(h, T, 0));
    const { spikes } = fusedLif(
      tf.reshape(h, [T, n, hh, ww, c]),
      tf.zeros([n, hh, ww, c]),
      lifAttrs,
    );
    return tf.reshape(spikes, [tn, hh, ww, c]);
  };
  const block = (h, p, stride = 1) => lif(bn(tf.conv2d(h, p.w, stride, 'same'), p, fusedNorm));
  /** The output and the decoder's firing rate (mean over T, [N, H, W, width]): the hint's student side. */
  function features(x) {
    const [n, hh, ww, c] = x.shape;
    const xt = tf.reshape(tf.tile(tf.expandDims(x, 0), [T, 1, 1, 1, 1]), [T * n, hh, ww, c]);
    const e = block(xt, layers.enc);
    const d = block(e, layers.down, 2);
    const m = block(d, layers.mid);
    const u = block(tf.image.resizeNearestNeighbor(m, [hh, ww]), layers.up);
    const dec = block(tf.concat([u, e], -1), layers.dec);
    const rate = tf.mean(tf.reshape(dec, [T, n, hh, ww, width]), 0);
    return { out: tf.add(x, tf.conv2d(rate, head, 1, 'same')), rate };
  }
  return { features, forward: (x) => features(x).out };
}

/** One Adam step on (noisy → clean); resolves when the step's numbers exist. */
export function trainStep(net, optimizer, noisy, clean, loss) {
  const cost = optimizer.minimize(() => {
    const out = net.forward(noisy);
    return loss === 'l1'
      ? tf.mean(tf.abs(tf.sub(out, clean)))
      : tf.mean(tf.square(tf.sub(out, clean)));
  }, true);
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
}

/** A 1×1 conv with bias from student to teacher channels (hints' `conv1x1` adapter). */
export function adapter(cin, cout) {
  return { w: conv(cin, cout, 1), b: tf.variable(tf.zeros([cout])) };
}

/**
 * One Adam step of hint distillation (examples/configs/denoise-bsd68-hint.yaml
 * without its FFT term): L1(student, clean) + 0.12 · MSE(adapter(decoder rate),
 * the teacher's tap). `teacherTap` comes from the frozen teacher, outside the
 * tape.
 */
export function hintStep(student, adapt, optimizer, noisy, clean, teacherTap) {
  const cost = optimizer.minimize(() => {
    const { out, rate } = student.features(noisy);
    const task = tf.mean(tf.abs(tf.sub(out, clean)));
    const mapped = tf.add(tf.conv2d(rate, adapt.w, 1, 'same'), adapt.b);
    const hint = tf.mean(tf.square(tf.sub(mapped, teacherTap)));
    return tf.add(task, tf.mul(hint, 0.12));
  }, true);
  const value = cost.dataSync()[0];
  cost.dispose();
  return value;
}
