import {
  type Backbone,
  checkTaps,
  type ForwardOptions,
  type ForwardResult,
  Module,
  ShapeError,
  type TapInfo,
  tf,
} from '@spikedistill/core';
import type { Readout } from './readout.js';
import type { UnitMaker } from './units.js';

/** Hands a feature map [T, N, H, W, C] to the recorder; only requested taps are kept. */
export type TapSink = (name: string, value: tf.Tensor) => void;

/** What makes an architecture spiking or not: its units, its input encoding and T. */
export interface Flavour {
  readonly spiking: boolean;
  /** T (1 for an ANN). */
  readonly timesteps: number;
  readonly units: UnitMaker;
  /** The image [N, H, W, C] as a sequence [T, N, H, W, C]. */
  encode(x: tf.Tensor4D): tf.Tensor;
  /** The classifier head on pooled features [T, N, inFeatures]. */
  readout(inFeatures: number, classes: number): Readout;
}

/**
 * What the classifiers share: input checks, taps, one tidy around the
 * forward pass, then global average pooling of the last features and the
 * readout to logits [N, classes]. Subclasses only say how features flow,
 * on sequences [T, N, H, W, C] (T = 1 for the ANN twins), so a spiking
 * classifier and its ANN twin are the same code.
 */
export abstract class Classifier extends Module implements Backbone {
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly spiking: boolean;
  readonly timesteps: number;
  /** Any size works: pooling floors odd sizes as PyTorch's does. */
  readonly sizeMultiple = 1;
  abstract readonly tapInfo: readonly TapInfo[];
  private head: Readout | undefined;

  constructor(
    /** Plugin name and config path, for error messages. */
    readonly label: string,
    options: { channels: number; classes: number },
    protected readonly flavour: Flavour,
  ) {
    super();
    this.inputChannels = options.channels;
    this.outputChannels = options.classes;
    this.spiking = flavour.spiking;
    this.timesteps = flavour.timesteps;
  }

  /** Subclasses call this last, so the head comes after the features in the state dict. */
  protected attachHead(featureChannels: number): void {
    this.head = this.child('head', this.flavour.readout(featureChannels, this.outputChannels));
  }

  /** The features before pooling, [T, N, h, w, C], calling `tap` at every named feature. */
  protected abstract extract(x: tf.Tensor, tap: TapSink): tf.Tensor;

  forward(x: tf.Tensor, options: ForwardOptions = {}): ForwardResult {
    const requested = options.taps ?? [];
    checkTaps(this.label, this.tapInfo, requested);
    if (x.rank !== 4 || x.shape[3] !== this.inputChannels) {
      throw new ShapeError(`${this.label} input`, `[N, H, W, ${this.inputChannels}]`, x.shape);
    }
    const training = options.training ?? this.training;
    if (this.training !== training) this.train(training);
    const wanted = new Set(requested);
    // Membranes of the previous forward live until here: its gradient may still need them.
    this.resetState();
    return tf.tidy(() => {
      const taps: Record<string, tf.Tensor> = {};
      const features = this.extract(this.flavour.encode(x as tf.Tensor4D), (name, value) => {
        if (wanted.has(name)) taps[name] = this.spiking ? value : tf.squeeze(value, [0]);
      });
      const pooled = tf.mean(features, [2, 3]);
      return { output: this.head!.read(pooled), taps };
    });
  }
}

/** Taps named `stage1…stageK`, one per stage, at scale 2^(k−1). */
export function stageTaps(widths: readonly number[], spiking: boolean): TapInfo[] {
  return widths.map((channels, i) => ({
    name: `stage${i + 1}`,
    channels,
    scale: 2 ** i,
    temporal: spiking,
    description: `${spiking ? 'spikes' : 'activations (after ReLU)'} at the end of stage ${i + 1} of ${widths.length}`,
  }));
}
