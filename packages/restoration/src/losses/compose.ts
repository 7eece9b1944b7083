import {
  type Loss,
  type PluginRef,
  type Registry,
  SpikedistillError,
  tf,
} from '@spikedistill/core';

/** A weighted sum of losses that also reports each term. */
export interface CompositeLoss {
  readonly losses: readonly Loss[];
  /** Names of the terms, in order: the loss names, `#2`, `#3` … appended to repeats. */
  readonly termNames: readonly string[];
  /** Σ weightᵢ·lossᵢ as a scalar that gradients flow through. */
  total(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar;
  /**
   * The total and its weighted terms (they sum to the total), for logging.
   * The caller owns every returned tensor.
   */
  compute(
    prediction: tf.Tensor,
    target: tf.Tensor,
  ): { total: tf.Scalar; terms: Record<string, tf.Scalar> };
}

export function composeLosses(losses: readonly Loss[]): CompositeLoss {
  if (losses.length === 0) {
    throw new SpikedistillError(
      'E_CONFIG',
      'A composite loss needs at least one term, e.g. [{ name: l1 }]',
    );
  }
  const seen = new Map<string, number>();
  const termNames = losses.map((l) => {
    const count = (seen.get(l.name) ?? 0) + 1;
    seen.set(l.name, count);
    return count === 1 ? l.name : `${l.name}#${count}`;
  });
  const weighted = (prediction: tf.Tensor, target: tf.Tensor) =>
    losses.map((l) => tf.mul(l.compute(prediction, target), l.weight) as tf.Scalar);
  return {
    losses,
    termNames,
    total: (prediction, target) =>
      tf.tidy(() => tf.addN(weighted(prediction, target)) as tf.Scalar),
    compute: (prediction, target) =>
      tf.tidy(() => {
        const terms = weighted(prediction, target);
        const total = tf.addN(terms) as tf.Scalar;
        return {
          total,
          terms: Object.fromEntries(termNames.map((name, i) => [name, terms[i]!])),
        };
      }),
  };
}

/** Builds the losses of a config list (`loss: [{ name: l1 }, { name: fft, options: { weight: 0.1 } }]`). */
export function createLosses(
  registry: Registry,
  refs: ReadonlyArray<PluginRef | string>,
  path = 'loss',
): CompositeLoss {
  return composeLosses(refs.map((ref, i) => registry.createFrom('loss', ref, `${path}[${i}]`)));
}
