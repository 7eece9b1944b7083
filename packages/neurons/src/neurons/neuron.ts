import { Module, ShapeError, tf } from '@spikedistill/core';
import { NeuronMonitor } from '../monitors/monitor.js';
import type { Surrogate } from '../surrogates/surrogate.js';
import { resetLif } from './dynamics.js';

/** A neuron layer's state between steps (e.g. `{ v }`, or `{ v, a }` for adaptive models). */
export type NeuronState = Record<string, tf.Tensor>;

/** What one step of the dynamics produces. */
export interface StepResult {
  spikes: tf.Tensor;
  /** Membrane before reset (H), for monitors. */
  h: tf.Tensor;
  state: NeuronState;
}

/**
 * A layer of spiking neurons, SpikingJelly-style: each step charges, fires
 * and resets (`dynamics`). Single-step mode (`step`, input [N, …]) keeps the
 * state between calls; multi-step mode (`forward`, input [T, N, …]) runs T
 * steps. The neuron owns its state tensors (they survive `tf.tidy` so a
 * sequence can be streamed step by step); `resetState()` frees them and must
 * be called between samples.
 */
export abstract class Neuron extends Module {
  /** The plugin name (`lif`, `plif`, …). */
  abstract readonly kind: string;
  abstract readonly surrogate: Surrogate;
  /** Firing threshold θ (the initial one for adaptive models); tdBN scales by it. */
  abstract readonly threshold: number;
  readonly monitor = new NeuronMonitor();
  private state: NeuronState | undefined;
  private t = 0;

  /** State before the first step, for input steps of this shape ([N, …]). */
  protected abstract initialState(shape: readonly number[]): NeuronState;

  /** One step of charge → fire → reset; runs inside `tf.tidy`. */
  protected abstract dynamics(x: tf.Tensor, state: NeuronState): StepResult;

  /** Steps taken since the last reset. */
  get timestep(): number {
    return this.t;
  }

  /** The current state (undefined before the first step); tensors stay owned by the neuron. */
  currentState(): Readonly<NeuronState> | undefined {
    return this.state;
  }

  /** Single step: `x` [N, …] → spikes [N, …]. */
  step(x: tf.Tensor): tf.Tensor {
    this.checkStepShape(x.shape);
    const previous = this.state;
    const result = tf.tidy(() => {
      const s0 = previous ?? this.initialState(x.shape);
      const r = this.dynamics(x, s0);
      return { spikes: r.spikes, h: r.h, state: r.state };
    }) as unknown as StepResult;
    this.monitor.record(this.t, result.spikes, result.h);
    // H may be the new state itself (e.g. snnTorch's Leaky keeps U unreset).
    if (!Object.values(result.state).includes(result.h)) result.h.dispose();
    this.replaceState(result.state);
    this.t++;
    return result.spikes;
  }

  /** Multi-step: `x` [T, N, …] → spikes [T, N, …]; the state carries on from the last call. */
  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank < 2) throw new ShapeError(`${this.kind} neuron (multi-step)`, '[T, N, …]', x.shape);
    const fused = this.fusedForward(x);
    if (fused) return fused;
    return tf.tidy(() => {
      // tfjs 4.22's gradient of unstack fails for T = 1 (its one output
      // reaches the gradient function unwrapped), so one step is a reshape.
      const steps = x.shape[0] === 1 ? [tf.reshape(x, x.shape.slice(1))] : tf.unstack(x);
      return tf.stack(steps.map((xt) => this.step(xt)));
    });
  }

  /**
   * Subclasses that can run a whole sequence in one fused kernel override
   * this and return undefined when they cannot (the unfused path is the reference).
   */
  protected fusedForward(_x: tf.Tensor): tf.Tensor | undefined {
    return undefined;
  }

  /** For fused paths: installs the state after a sequence of `steps` steps and records monitors. */
  protected finishSequence(state: NeuronState, spikes: tf.Tensor, h: tf.Tensor): void {
    const steps = spikes.shape[0] ?? 1;
    this.monitor.recordSequence(this.t, spikes, h);
    this.replaceState(state);
    this.t += steps;
  }

  /** State to start a fused sequence from: the current one, or a fresh one for steps of `shape`. */
  protected stateFor(shape: readonly number[]): NeuronState {
    this.checkStepShape(shape);
    return this.state ?? this.initialState(shape);
  }

  protected override onResetState(): void {
    this.disposeState(this.state);
    this.state = undefined;
    this.t = 0;
  }

  private replaceState(next: NeuronState): void {
    const keep = new Set(Object.values(next));
    for (const t of keep) tf.keep(t);
    const old = this.state;
    this.state = next;
    if (old) this.disposeState(old, keep);
  }

  private disposeState(state: NeuronState | undefined, except?: Set<tf.Tensor>): void {
    if (!state) return;
    for (const t of Object.values(state)) if (!except?.has(t) && !t.isDisposed) t.dispose();
  }

  private checkStepShape(shape: readonly number[]): void {
    const v = this.state && Object.values(this.state)[0];
    if (v && !tf.util.arraysEqual(v.shape, shape as number[])) {
      throw new ShapeError(
        `${this.kind} neuron (its state is [${v.shape.join(', ')}]; call resetState() between samples)`,
        `[${v.shape.join(', ')}]`,
        shape as number[],
      );
    }
  }
}

/** What the shared fire and reset of `BaseNode` read. */
export interface FireResetOptions {
  /** Firing threshold θ (> 0). */
  readonly threshold: number;
  /** Reset value V_r; null: soft reset (subtract θ). Default 0. */
  readonly vReset?: number | null;
  /** The reset path carries no gradient. Default false. */
  readonly detachReset?: boolean;
}

/**
 * SpikingJelly's `BaseNode`: a neuron is its charge function. Each step
 *
 *     H[t] = charge(X[t], state)                 (subclass)
 *     S[t] = Θ(H[t] − θ[t])                      (fire: the surrogate's spike, a spike when H = θ)
 *     V[t] = S·V_r + (1 − S)·H   or, soft,  H − S·θ[t]      (reset; detached with `detachReset`)
 *
 * θ[t] is the threshold unless `thresholdAt` says otherwise (adaptive
 * models), and `adapt` adds state beyond the membrane (e.g. an adaptation
 * variable). The membrane is `state.v`, starting at V_r (0 for soft reset).
 * Models with another order (snnTorch's Leaky) override `fire` and `reset`.
 */
export abstract class BaseNode extends Neuron {
  /** Name of the membrane in the state (what `charge` reads and `reset` writes). */
  protected readonly membrane: string = 'v';

  constructor(
    readonly surrogate: Surrogate,
    private readonly fireReset: FireResetOptions,
  ) {
    super();
  }

  get threshold(): number {
    return this.fireReset.threshold;
  }

  /** H[t] from the input and the state before the step (SpikingJelly `neuronal_charge`). */
  protected abstract charge(x: tf.Tensor, state: NeuronState): tf.Tensor;

  /** θ[t]: the threshold of this step. */
  protected thresholdAt(_state: NeuronState): number | tf.Tensor {
    return this.threshold;
  }

  /** S[t] = Θ(H − θ) forward, the surrogate's derivative backward (`neuronal_fire`). */
  protected fire(h: tf.Tensor, theta: number | tf.Tensor): tf.Tensor {
    return this.surrogate.spike(tf.sub(h, theta));
  }

  /** The membrane after the spikes (`neuronal_reset`): hard to V_r, or soft by θ. */
  protected reset(
    h: tf.Tensor,
    spikes: tf.Tensor,
    theta: number | tf.Tensor,
    _state: NeuronState,
  ): tf.Tensor {
    const { vReset = 0, detachReset = false } = this.fireReset;
    return resetLif(h, spikes, vReset, theta, detachReset);
  }

  /** State besides the membrane after the step (none by default). */
  protected adapt(_state: NeuronState, _spikes: tf.Tensor): NeuronState {
    return {};
  }

  protected initialState(shape: readonly number[]): NeuronState {
    return { [this.membrane]: tf.fill(shape as number[], this.fireReset.vReset ?? 0) };
  }

  protected dynamics(x: tf.Tensor, state: NeuronState): StepResult {
    const theta = this.thresholdAt(state);
    const h = this.charge(x, state);
    const spikes = this.fire(h, theta);
    const membrane = this.reset(h, spikes, theta, state);
    return { spikes, h, state: { [this.membrane]: membrane, ...this.adapt(state, spikes) } };
  }
}
