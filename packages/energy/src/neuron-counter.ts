import type { Module, tf } from '@spikedistill/core';
import { type Neuron, neuronLayers } from '@spikedistill/neurons';
import type { SpikeTracker } from './op-counter.js';

/** The membrane updates and spikes of one neuron layer during a forward pass. */
export interface NeuronOps {
  /** Dotted path of the layer in the model (`enc1.neuron`). */
  label: string;
  /** Neuron plugin name (`lif`, `if`, …). */
  kind: string;
  /** Whether each update decays the membrane (a multiply): every neuron but IF and τ = ∞. */
  leak: boolean;
  /** Neurons of one sample at one time step (the membrane buffer's size). */
  neurons: number;
  /** Membrane updates (charge, threshold compare): neurons × time steps × samples. */
  neuronSteps: number;
  /** Spikes emitted (each one resets its neuron). */
  spikes: number;
}

const dataIdOf = (t: tf.Tensor) => t as unknown as { dataId: object };

/**
 * Watches every neuron layer of `model` (single- and multi-step calls) until
 * `stop()`: counts updates and spikes, and marks each output as spikes in
 * `tracker`, which is how `countOps` tells spiking layers from analog ones.
 * The layers' own methods are restored by `stop()`.
 */
export function watchNeurons(model: Module, tracker: SpikeTracker): { stop(): NeuronOps[] } {
  const counts: NeuronOps[] = [];
  const restores: Array<() => void> = [];
  for (const [path, neuron] of neuronLayers(model)) {
    const ops: NeuronOps = {
      label: path,
      kind: neuron.kind,
      leak: hasLeak(neuron),
      neurons: 0,
      neuronSteps: 0,
      spikes: 0,
    };
    counts.push(ops);
    // An unfused multi-step call runs `step` T times: count at the outermost call only.
    let depth = 0;
    const watch = (method: 'forward' | 'step', stepsAxis: boolean) => {
      const own = Object.getOwnPropertyDescriptor(neuron, method);
      const original = neuron[method];
      neuron[method] = (x: tf.Tensor) => {
        depth++;
        try {
          const out = original.call(neuron, x);
          tracker.mark(dataIdOf(out));
          if (depth === 1) {
            const leading = stepsAxis ? x.shape[0]! * x.shape[1]! : x.shape[0]!;
            ops.neurons = x.size / Math.max(leading, 1);
            ops.neuronSteps += x.size;
            const spikes = out.dataSync();
            for (let i = 0; i < spikes.length; i++) if (spikes[i] !== 0) ops.spikes++;
          }
          return out;
        } finally {
          depth--;
        }
      };
      restores.push(() => {
        if (own) Object.defineProperty(neuron, method, own);
        else delete (neuron as Partial<Pick<Neuron, typeof method>>)[method];
      });
    };
    watch('forward', true);
    watch('step', false);
  }
  return {
    stop() {
      for (const restore of restores) restore();
      return counts;
    },
  };
}

function hasLeak(neuron: Neuron): boolean {
  if (neuron.kind === 'if') return false;
  const tau = (neuron as unknown as { options?: { tau?: number } }).options?.tau;
  return tau !== Number.POSITIVE_INFINITY;
}
