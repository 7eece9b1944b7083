import { NonFiniteError } from '../errors.js';
import type { NamedVariable } from '../optim/optimizer.js';
import { tf } from '../tf.js';

/**
 * Throws a NonFiniteError naming every parameter or buffer that holds a NaN
 * or an infinity. One scalar is read back in the common case: the sum of
 * every tensor times zero is NaN exactly when one of them is not finite.
 */
export function assertFinite(variables: readonly NamedVariable[], step: number): void {
  if (variables.length === 0) return;
  const probe = tf.tidy(() => tf.addN(variables.map(([, v]) => tf.sum(tf.mul(v.toFloat(), 0)))));
  const ok = Number.isFinite(probe.dataSync()[0]);
  probe.dispose();
  if (ok) return;
  const bad = variables
    .filter(([, v]) =>
      tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(v.toFloat()))).dataSync()[0] === 1),
    )
    .map(([name]) => name);
  throw new NonFiniteError(step, bad);
}
