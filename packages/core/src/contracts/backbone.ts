import { SpikedistillError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { RawTensor } from '../io/safetensors.js';
import type { tf } from '../tf.js';

/** A named intermediate feature map that distillation can connect to. */
export interface TapInfo {
  name: string;
  channels: number;
  /** Input size divided by the tap's spatial size (1, 2, 4, …). */
  scale: number;
  /** Spiking taps are recorded per time step, [T, N, H, W, C]; analog ones as [N, H, W, C]. */
  temporal: boolean;
  description?: string;
}

export interface ForwardOptions {
  training?: boolean;
  /** Names of the taps to record (unknown names are an error listing the valid ones). */
  taps?: readonly string[];
}

export interface ForwardResult {
  /** The restored image, [N, H, W, C] (for classifiers: logits [N, classes]). */
  output: tf.Tensor;
  /** The requested taps only. */
  taps: Record<string, tf.Tensor>;
}

/**
 * What a `backbone` plugin creates: ANN teachers and SNN students alike.
 * Spiking backbones reset their membranes at the start of every forward.
 */
export interface Backbone extends Module {
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly spiking: boolean;
  /** Time steps T (1 for an ANN). */
  readonly timesteps: number;
  /** Input height and width must be multiples of this (pad otherwise). */
  readonly sizeMultiple: number;
  readonly tapInfo: readonly TapInfo[];
  forward(x: tf.Tensor, options?: ForwardOptions): ForwardResult;
  /**
   * The requested taps only, computing no deeper than the deepest of them
   * (inference; a frozen teacher whose output is not needed). Optional:
   * without it `forward` is used.
   */
  features?(x: tf.Tensor, taps: readonly string[]): Record<string, tf.Tensor>;
  /**
   * Loads weights whose names are not this module's own (e.g. a PyTorch
   * state_dict). Optional; without it, weights files must use `stateDict()` names.
   */
  importWeights?(tensors: ReadonlyMap<string, RawTensor>, source: string): void;
}

/** Checks requested tap names against what a backbone offers; the error lists the valid ones. */
export function checkTaps(
  owner: string,
  info: readonly TapInfo[],
  requested: readonly string[],
): void {
  const known = info.map((t) => t.name);
  const unknown = requested.filter((r) => !known.includes(r));
  if (unknown.length) {
    throw new SpikedistillError(
      'E_BAD_OPTIONS',
      `${owner} has no feature tap ${unknown.map((u) => `'${u}'`).join(', ')}; its taps are: ${known.join(', ')}`,
    );
  }
}
