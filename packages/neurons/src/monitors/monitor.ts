import { tf } from '@spikedistill/core';

/** What a neuron layer's monitor reports, read lazily (one download per layer). */
export interface FiringRate {
  /** Spikes per neuron per time step, over everything recorded. */
  rate: number;
  /** The same, for each time step t (counted from the last `resetState()`). */
  perStep: number[];
  /** Total spike count. */
  spikes: number;
  /** Neurons in the layer per sample (the size of one step's input without the batch axis). */
  neurons: number;
  /** Samples (batch elements) recorded at step 0. */
  samples: number;
  /** Neuron-steps recorded (the denominator of `rate`). */
  neuronSteps: number;
}

export interface MembraneStats {
  /** Mean and standard deviation of the membrane before reset (H), over all neuron-steps. */
  mean: number;
  std: number;
  min: number;
  max: number;
  count: number;
}

/**
 * Accumulates per-layer spike counts and membrane statistics as a few
 * scalar tensors, so it can stay on during evaluation: no download happens
 * until a read. Off by default (it adds a few reductions per step).
 */
export class NeuronMonitor {
  enabled = false;
  private spikesPerStep: tf.Tensor[] = [];
  private countsPerStep: number[] = [];
  private samplesAtStep0 = 0;
  private neuronsPerSample = 0;
  /** [sum H, sum H², min H, max H] */
  private membrane: tf.Tensor | undefined;

  /** Records one time step: `spikes` and `h` are [N, …]. */
  record(t: number, spikes: tf.Tensor, h: tf.Tensor): void {
    if (!this.enabled) return;
    const n = spikes.shape[0] ?? 1;
    this.neuronsPerSample = spikes.size / Math.max(n, 1);
    if (t === 0) this.samplesAtStep0 += n;
    const stepSum = tf.tidy(() => tf.sum(spikes));
    this.addAt(t, stepSum, spikes.size);
    this.addMembrane(h);
  }

  /** Records a whole sequence: `spikes` and `h` are [T, N, …], starting at step `t0`. */
  recordSequence(t0: number, spikes: tf.Tensor, h: tf.Tensor): void {
    if (!this.enabled) return;
    const [steps = 1, n = 1] = spikes.shape;
    this.neuronsPerSample = spikes.size / Math.max(steps * n, 1);
    if (t0 === 0) this.samplesAtStep0 += n;
    const sums = tf.tidy(() => tf.unstack(tf.sum(tf.reshape(spikes, [steps, -1]), 1)));
    sums.forEach((s, i) => {
      this.addAt(t0 + i, s, spikes.size / steps);
    });
    this.addMembrane(h);
  }

  reset(): void {
    for (const t of this.spikesPerStep) t.dispose();
    this.membrane?.dispose();
    this.spikesPerStep = [];
    this.countsPerStep = [];
    this.membrane = undefined;
    this.samplesAtStep0 = 0;
    this.neuronsPerSample = 0;
  }

  /** True once something was recorded. */
  get hasData(): boolean {
    return this.countsPerStep.length > 0;
  }

  firingRate(): FiringRate {
    const perStepSpikes = this.spikesPerStep.map((t) => (t ? t.dataSync()[0]! : 0));
    const spikes = perStepSpikes.reduce((a, b) => a + b, 0);
    const neuronSteps = this.countsPerStep.reduce((a, b) => a + b, 0);
    return {
      rate: neuronSteps ? spikes / neuronSteps : 0,
      perStep: perStepSpikes.map((s, t) =>
        this.countsPerStep[t] ? s / this.countsPerStep[t]! : 0,
      ),
      spikes,
      neurons: this.neuronsPerSample,
      samples: this.samplesAtStep0,
      neuronSteps,
    };
  }

  membraneStats(): MembraneStats {
    const count = this.countsPerStep.reduce((a, b) => a + b, 0);
    if (!this.membrane || !count) return { mean: 0, std: 0, min: 0, max: 0, count: 0 };
    const [sum = 0, sumSq = 0, min = 0, max = 0] = this.membrane.dataSync();
    const mean = sum / count;
    return { mean, std: Math.sqrt(Math.max(sumSq / count - mean * mean, 0)), min, max, count };
  }

  private addAt(t: number, value: tf.Tensor, count: number): void {
    const old = this.spikesPerStep[t];
    this.spikesPerStep[t] = old ? keepSum(old, value) : tf.keep(value);
    this.countsPerStep[t] = (this.countsPerStep[t] ?? 0) + count;
  }

  private addMembrane(h: tf.Tensor): void {
    const stats = tf.tidy(() => tf.stack([tf.sum(h), tf.sum(tf.square(h)), tf.min(h), tf.max(h)]));
    const old = this.membrane;
    if (!old) {
      this.membrane = tf.keep(stats);
      return;
    }
    this.membrane = tf.keep(
      tf.tidy(() => {
        const [s, q, lo, hi] = tf.unstack(stats);
        const [os, oq, olo, ohi] = tf.unstack(old);
        return tf.stack([
          tf.add(s!, os!),
          tf.add(q!, oq!),
          tf.minimum(lo!, olo!),
          tf.maximum(hi!, ohi!),
        ]);
      }),
    );
    old.dispose();
    stats.dispose();
  }
}

function keepSum(old: tf.Tensor, value: tf.Tensor): tf.Tensor {
  const sum = tf.keep(tf.add(old, value));
  old.dispose();
  value.dispose();
  return sum;
}
