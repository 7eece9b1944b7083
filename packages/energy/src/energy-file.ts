import type { ModelEnergy } from './measure.js';

/**
 * `energy.json` in a run folder (written by `spikedistill energy --out
 * <run>`): what each model spends per image under each estimator, with the
 * constants and sources to print beside the numbers, and what it was measured on.
 */
export interface EnergyFile {
  measuredOn: { set: string; images: number; shape: number[] };
  models: EnergyFileModel[];
}

export interface EnergyFileModel {
  /** `teacher` or `student`. */
  role: string;
  model: string;
  spiking: boolean;
  timesteps: number;
  parameters: number;
  /** Spikes per neuron per step over all neuron layers; null for an ANN. */
  firingRate: number | null;
  /** Firing rate of each neuron layer, in forward order. */
  neurons: Array<{ label: string; kind: string; rate: number }>;
  estimates: Array<{
    estimator: string;
    source: string;
    constants: Record<string, number>;
    bits: Record<string, number>;
    /** µJ per image. */
    microjoules: number;
  }>;
}

/** The serialisable form of measured models, `role` naming each. */
export function toEnergyFile(
  models: ReadonlyArray<{ role: string; energy: ModelEnergy }>,
  measuredOn: EnergyFile['measuredOn'],
): EnergyFile {
  return {
    measuredOn,
    models: models.map(({ role, energy: m }) => ({
      role,
      model: m.model,
      spiking: m.spiking,
      timesteps: m.timesteps,
      parameters: m.parameters,
      firingRate: m.firingRate ?? null,
      neurons: m.neurons.map((n) => ({
        label: n.label,
        kind: n.kind,
        rate: n.neuronSteps ? n.spikes / n.neuronSteps : 0,
      })),
      estimates: m.reports.map((r) => ({
        estimator: r.estimator,
        source: r.source,
        constants: r.constants,
        bits: r.bits,
        microjoules: r.perSamplePj / 1e6,
      })),
    })),
  };
}
