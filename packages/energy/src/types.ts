import type { LayerOps } from './op-counter.js';

export interface LayerEnergy {
  label: string;
  /** Dense multiply-accumulates (analog input) counted at E_MAC. */
  macs: number;
  /** Synaptic operations (spike-driven accumulates) counted at E_AC. */
  acs: number;
  /** Picojoules for this layer. */
  pj: number;
}

export interface EnergyReport {
  estimator: string;
  /** The constants used, in pJ, printed with every report. */
  constants: Record<string, number>;
  layers: LayerEnergy[];
  totalPj: number;
  /** Per sample (the batch the ops were counted on divided out). */
  perSamplePj: number;
}

/** What an `energy` plugin creates. */
export interface EnergyEstimator {
  readonly name: string;
  readonly constants: Record<string, number>;
  /** `samples`: images in the counted forward pass, to report energy per image. */
  estimate(ops: readonly LayerOps[], samples: number): EnergyReport;
}

declare module '@spikedistill/core' {
  interface KindMap {
    energy: EnergyEstimator;
  }
}
