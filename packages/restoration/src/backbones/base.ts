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

/** Thrown by the tap recorder of `features` once every tap is in: the rest of the network is not needed. */
const STOP = Symbol('all taps recorded');

/** Whether no gradient tape is recording (so an activation freed now is never asked for). */
const outsideTape = () =>
  (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth === 0;

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

  /** Tensors `release` must not free during this forward: the input and recorded taps. */
  private readonly held = new Set<tf.Tensor>();

  /**
   * Frees an activation the network no longer needs, when nothing will ask
   * for it: in inference outside any gradient tape (a frozen teacher,
   * evaluation). A backbone's `run` calls it as it goes, so inference holds
   * a few feature maps instead of every one the whole-pass tidy would keep.
   * Under training the tape needs them all, and nothing is freed.
   */
  protected release(...tensors: tf.Tensor[]): void {
    if (this.training || !outsideTape()) return;
    for (const t of tensors) if (!this.held.has(t)) t.dispose();
  }

  forward(x: tf.Tensor, options: ForwardOptions = {}): ForwardResult {
    const requested = options.taps ?? [];
    const training = this.prepare(x, requested, options.training ?? this.training);
    const wanted = new Set(requested);
    this.held.clear();
    this.held.add(x);
    try {
      return tf.tidy(() => {
        const taps: Record<string, tf.Tensor> = {};
        const output = this.run(x as tf.Tensor4D, training, (name, value) => {
          if (!wanted.has(name)) return;
          taps[name] = value;
          this.held.add(value);
        });
        return { output, taps };
      });
    } finally {
      this.held.clear();
    }
  }

  /**
   * The requested taps in inference mode, stopping the network once the
   * last of them is recorded: a teacher whose output is not needed runs
   * only as deep as its deepest tap.
   */
  features(x: tf.Tensor, requested: readonly string[]): Record<string, tf.Tensor> {
    this.prepare(x, requested, false);
    const wanted = new Set(requested);
    const taps: Record<string, tf.Tensor> = {};
    if (wanted.size === 0) return taps;
    this.held.clear();
    this.held.add(x);
    try {
      tf.tidy(() => {
        this.run(x as tf.Tensor4D, false, (name, value) => {
          if (!wanted.has(name) || name in taps) return;
          taps[name] = tf.keep(value.clone());
          if (Object.keys(taps).length === wanted.size) throw STOP;
        });
      });
    } catch (err) {
      if (err !== STOP) {
        tf.dispose(Object.values(taps));
        throw err;
      }
    } finally {
      this.held.clear();
      // No gradient will need the membranes: free them now.
      this.resetState();
    }
    return taps;
  }

  /** Checks the input and taps, sets the mode, and clears the state of the previous forward. */
  private prepare(x: tf.Tensor, requested: readonly string[], training: boolean): boolean {
    checkTaps(this.label, this.tapInfo, requested);
    this.checkInput(x);
    // Norms inside neurons' blocks read the module mode, so keep it in step.
    if (this.training !== training) this.train(training);
    // Membranes of the previous forward stay alive until here, because a
    // gradient computed after that forward still needs them.
    this.resetState();
    return training;
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
