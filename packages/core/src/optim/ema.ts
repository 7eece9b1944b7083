import { tf } from '../tf.js';
import { type NamedVariable, type OptimizerState, variableFrom } from './optimizer.js';

/**
 * An exponential moving average of parameters (Polyak averaging, as timm's
 * ModelEmaV2): shadow = decay·shadow + (1 − decay)·param after every update.
 * Evaluation can run with the shadow swapped in; checkpoints keep it.
 */
export class Ema {
  private readonly shadow = new Map<string, tf.Variable>();

  constructor(
    private readonly params: readonly NamedVariable[],
    readonly decay: number,
  ) {
    for (const [name, p] of params) this.shadow.set(name, variableFrom(p.clone()));
  }

  update(): void {
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const s = this.shadow.get(name)!;
        s.assign(tf.add(tf.mul(s, this.decay), tf.mul(p, 1 - this.decay)));
      }
    });
  }

  /** Runs `fn` with the averaged weights in the parameters, then puts the trained ones back. */
  async withAveraged<T>(fn: () => Promise<T> | T): Promise<T> {
    const saved = this.params.map(([, p]) => p.clone());
    for (const [name, p] of this.params) p.assign(this.shadow.get(name)!);
    try {
      return await fn();
    } finally {
      for (const [i, [, p]] of this.params.entries()) p.assign(saved[i]!);
      tf.dispose(saved);
    }
  }

  state(): OptimizerState['slots'] {
    const out: OptimizerState['slots'] = new Map();
    for (const [name, v] of this.shadow)
      out.set(name, { shape: v.shape, data: v.dataSync() as Float32Array });
    return out;
  }

  restore(slots: OptimizerState['slots']): void {
    for (const [name, raw] of slots) {
      tf.tidy(() => this.shadow.get(name)?.assign(tf.tensor(raw.data, [...raw.shape], 'float32')));
    }
  }

  dispose(): void {
    for (const v of this.shadow.values()) v.dispose();
  }
}
