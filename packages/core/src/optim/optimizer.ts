import { SpikedistillError } from '../errors.js';
import { tf } from '../tf.js';

/** A parameter with the stable dotted name it is checkpointed under (`student.enc1.conv.weight`). */
export type NamedVariable = readonly [name: string, variable: tf.Variable];

/** An optimiser's whole state: slot tensors by `<parameter>/<slot>` and its counters. */
export interface OptimizerState {
  slots: Map<string, { shape: readonly number[]; data: Float32Array }>;
  counters: Record<string, number>;
}

/**
 * What an `optimizer` plugin creates. State is keyed by parameter name, not
 * by position, and its counters are plain numbers, so a checkpoint restores
 * it exactly (tfjs's own optimisers rebuild Adam's bias-correction powers
 * from the step count on restore, which differs in the last bits).
 */
export interface Optimizer {
  readonly name: string;
  /** One update of every parameter from its gradient at learning rate `lr`. */
  apply(params: readonly NamedVariable[], grads: ReadonlyMap<string, tf.Tensor>, lr: number): void;
  state(): OptimizerState;
  restore(state: OptimizerState): void;
  dispose(): void;
}

/**
 * Per-parameter slots (moments, momentum buffers) created on first use, and
 * named counters; concrete optimisers only write the update rule.
 */
export abstract class SlotOptimizer implements Optimizer {
  abstract readonly name: string;
  protected counters: Record<string, number> = {};
  private readonly slots = new Map<string, tf.Variable>();

  abstract apply(
    params: readonly NamedVariable[],
    grads: ReadonlyMap<string, tf.Tensor>,
    lr: number,
  ): void;

  /** The slot `slot` of parameter `param`, zeros like it when new. */
  protected slot(param: string, slot: string, like: tf.Variable): tf.Variable {
    const key = `${param}/${slot}`;
    let v = this.slots.get(key);
    if (!v) {
      v = variableFrom(tf.zerosLike(like));
      this.slots.set(key, v);
    }
    return v;
  }

  protected hasSlot(param: string, slot: string): boolean {
    return this.slots.has(`${param}/${slot}`);
  }

  state(): OptimizerState {
    const slots: OptimizerState['slots'] = new Map();
    for (const [key, v] of this.slots)
      slots.set(key, { shape: v.shape, data: v.dataSync() as Float32Array });
    return { slots, counters: { ...this.counters } };
  }

  restore(state: OptimizerState): void {
    for (const [key, raw] of state.slots) {
      const existing = this.slots.get(key);
      if (existing && existing.shape.join() !== raw.shape.join()) {
        throw new SpikedistillError(
          'E_CHECKPOINT',
          `optimizer slot '${key}' has shape [${raw.shape}] in the checkpoint, [${existing.shape}] here`,
        );
      }
      existing?.dispose();
      this.slots.set(key, variableFrom(tf.tensor(raw.data, [...raw.shape], 'float32')));
    }
    this.counters = { ...this.counters, ...state.counters };
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

/** A non-trainable variable holding `init`'s values; `init` is disposed (a variable keeps its own reference). */
export function variableFrom(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}
