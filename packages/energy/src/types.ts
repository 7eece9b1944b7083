import type { NeuronOps } from './neuron-counter.js';
import type { LayerOps } from './op-counter.js';

export interface LayerEnergy {
  label: string;
  /** Dense multiply-accumulates (analog input), each a multiply and an add. */
  macs: number;
  /** Synaptic operations (spike-driven accumulates). */
  acs: number;
  /** Picojoules for this layer: arithmetic plus, for estimators that count it, memory. */
  pj: number;
  /** The memory part of `pj` (0 for estimators that ignore memory). */
  memoryPj: number;
}

export interface EnergyReport {
  estimator: string;
  /** Where the model and its constants come from, printed with every report. */
  source: string;
  /** The energy constants used, in pJ, printed with every report. */
  constants: Record<string, number>;
  /** Bit widths assumed (weights, activations, membranes, spikes, memory word), if the estimator uses any. */
  bits: Record<string, number>;
  /** Convolution / matmul layers, then (for estimators that count them) neuron layers. */
  layers: LayerEnergy[];
  totalPj: number;
  /** Per sample (the batch the ops were counted on divided out). */
  perSamplePj: number;
}

/** What an `energy` plugin creates. */
export interface EnergyEstimator {
  readonly name: string;
  readonly source: string;
  readonly constants: Record<string, number>;
  readonly bits: Record<string, number>;
  /**
   * `samples`: images in the counted forward pass, to report energy per
   * image; `neurons`: the neuron layers' updates and spikes (spiking models).
   */
  estimate(ops: readonly LayerOps[], samples: number, neurons?: readonly NeuronOps[]): EnergyReport;
}

declare module '@spikedistill/core' {
  interface KindMap {
    energy: EnergyEstimator;
  }
}
