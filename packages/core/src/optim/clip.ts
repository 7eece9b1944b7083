import { tf } from '../tf.js';

/**
 * Scales all gradients together so their global L2 norm is at most
 * `maxNorm` (torch.nn.utils.clip_grad_norm_); returns the norm before
 * clipping. The caller owns the returned gradients (the inputs are disposed
 * when replaced).
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): { norm: number } {
  const norm = tf.tidy(() =>
    tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))),
  );
  const value = norm.dataSync()[0]!;
  norm.dispose();
  const scale = maxNorm / (value + 1e-6);
  if (scale < 1) {
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, scale));
      g.dispose();
    }
  }
  return { norm: value };
}
