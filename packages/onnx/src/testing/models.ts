import { type Backbone, createRegistry, type Module, Rng, tf } from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { register as registerRestoration } from '@spikedistill/restoration';

export const makeRegistry = (seed = 3) =>
  createRegistry({
    packages: [
      { name: '@spikedistill/neurons', register: registerNeurons },
      { name: '@spikedistill/restoration', register: registerRestoration },
    ],
    seed,
  });

/**
 * Gives every parameter and buffer values a trained model could have:
 * batch norms with non-trivial running statistics and gains, biases off
 * zero. Fresh initialisations leave norms at identity, which would test
 * little.
 */
export function randomizeState(model: Module, seed = 11): void {
  const rng = new Rng(seed);
  for (const [name, v] of model.stateDict()) {
    const n = v.size;
    const u = () => Float32Array.from({ length: n }, () => rng.uniform());
    const values = (f: (r: number) => number) => tf.tensor(u().map(f), v.shape);
    let next: tf.Tensor | undefined;
    if (name.endsWith('runningVar')) next = values((r) => 0.5 + 1.5 * r);
    else if (name.endsWith('runningMean')) next = values((r) => 0.2 * (r - 0.5));
    else if (/(norm|bn)\d*\.weight$/.test(name)) next = values((r) => 0.6 + 0.8 * r);
    else if (name.endsWith('bias')) next = values((r) => 0.1 * (r - 0.5));
    else if (name.endsWith('temperature')) next = values((r) => 0.5 + r);
    if (next) {
      v.assign(next);
      next.dispose();
    }
  }
}

/**
 * Brings batch-norm running statistics near the statistics of `x` (training
 * forwards; momentum 0.1 each), as training would, so spiking layers see
 * currents at the scale of their thresholds and fire at realistic rates.
 */
export function calibrateNorms(model: Backbone, x: tf.Tensor4D, passes = 15): void {
  for (let i = 0; i < passes; i++) {
    tf.tidy(() => {
      model.forward(x, { training: true });
    });
    model.resetState();
  }
  model.eval();
}
