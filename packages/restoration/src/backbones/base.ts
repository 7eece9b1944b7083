import {
  type Backbone,
  checkTaps,
  type ForwardOptions,
  type ForwardResult,
  Module,
  type RawTensor,
  ShapeError,
  type TapInfo,
  tf,
} from '@spikedistill/core';
import { applyTorchWeights, defaultTorchName, type TorchNamed } from '../io/torch.js';

/** Hands a feature map to the recorder; only requested taps are kept. */
export type TapSink = (name: string, value: tf.Tensor) => void;

/**
 * What every backbone of this package shares: input checks, tap selection
 * and recording, and one tidy around the whole forward pass, so a model's
 * own code only says how features flow.
 */
export abstract class BackboneModule extends Module implements Backbone, TorchNamed {
  abstract readonly inputChannels: number;
  abstract readonly outputChannels: number;
  abstract readonly spiking: boolean;
  abstract readonly timesteps: number;
  abstract readonly sizeMultiple: number;
  abstract readonly tapInfo: readonly TapInfo[];

  constructor(
    /** Plugin name and config path, for error messages. */
    readonly label: string,
  ) {
    super();
  }

  /**
   * What a PyTorch twin of this model calls tensor `name` (for importing a
   * state_dict): by default the same dotted path, BN buffers in snake case.
   */
  torchName(name: string): string {
    return defaultTorchName(name);
  }

  /**
   * Loads a PyTorch state_dict (names through `torchName`, layouts
   * converted); core's `loadBackboneWeights` calls this for files that do
   * not use this model's own names.
   */
  importWeights(tensors: ReadonlyMap<string, RawTensor>, source: string): void {
    applyTorchWeights(this, tensors, source);
  }

  /** The model itself: input to output, calling `tap` at every named feature. */
  protected abstract run(x: tf.Tensor4D, training: boolean, tap: TapSink): tf.Tensor4D;

  forward(x: tf.Tensor, options: ForwardOptions = {}): ForwardResult {
    const requested = options.taps ?? [];
    checkTaps(this.label, this.tapInfo, requested);
    this.checkInput(x);
    const training = options.training ?? this.training;
    // Norms inside neurons' blocks read the module mode, so keep it in step.
    if (this.training !== training) this.train(training);
    const wanted = new Set(requested);
    // Membranes of the previous forward stay alive until here, because a
    // gradient computed after that forward still needs them.
    this.resetState();
    return tf.tidy(() => {
      const taps: Record<string, tf.Tensor> = {};
      const output = this.run(x as tf.Tensor4D, training, (name, value) => {
        if (wanted.has(name)) taps[name] = value;
      });
      return { output, taps };
    });
  }

  private checkInput(x: tf.Tensor): void {
    const [, h, w, c] = x.shape;
    const m = this.sizeMultiple;
    if (x.rank !== 4 || c !== this.inputChannels || h! % m !== 0 || w! % m !== 0) {
      throw new ShapeError(
        `${this.label} input`,
        `[N, H, W, ${this.inputChannels}] with H and W multiples of ${m}`,
        x.shape,
      );
    }
  }
}
