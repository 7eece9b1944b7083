import { definePlugin, type FusedSurrogateName, type Plugin, tf } from '@spikedistill/core';
import { z } from 'zod';
import { unaryCustomGrad } from '../util/custom-grad.js';

/**
 * A spike function: Heaviside forward, a smooth derivative backward. What a
 * `surrogate` plugin creates. `x` is always H − θ (membrane minus threshold).
 */
export interface Surrogate {
  readonly name: string;
  readonly alpha: number;
  /** Θ(x): 1 where x ≥ 0 (a spike when H equals θ); backward dy·g'(x). */
  spike(x: tf.Tensor): tf.Tensor;
  /** Θ(x) with a strict comparison, 1 where x > 0 (snnTorch's convention); same backward. */
  spikeStrict(x: tf.Tensor): tf.Tensor;
  /** g'(x), the surrogate derivative. */
  derivative(x: tf.Tensor): tf.Tensor;
  /** g(x), a smooth function with g' = `derivative` (used by tests as a substitute spike). */
  primitive(x: tf.Tensor): tf.Tensor;
  /** The fused LIF kernel's name for this surrogate, when it has one. */
  readonly fusedName?: FusedSurrogateName;
}

export interface SurrogateDefinition {
  name: string;
  alpha: number;
  derivative(x: tf.Tensor, alpha: number): tf.Tensor;
  primitive(x: tf.Tensor, alpha: number): tf.Tensor;
  fusedName?: FusedSurrogateName;
}

type Forward = (x: tf.Tensor) => tf.Tensor;

/**
 * Builds the customGrad spike functions from a derivative formula, so every
 * surrogate shares one, tested, wiring.
 */
export function makeSurrogate(def: SurrogateDefinition): Surrogate {
  const { alpha } = def;
  const derivative = (x: tf.Tensor) => def.derivative(x, alpha);
  const withGrad = (forward: Forward) =>
    unaryCustomGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return {
        value: forward(x),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivative(saved[0]!)),
      };
    });
  const spike = withGrad((x) => tf.cast(tf.greaterEqual(x, 0), 'float32'));
  const spikeStrict = withGrad((x) => tf.cast(tf.greater(x, 0), 'float32'));
  return {
    name: def.name,
    alpha,
    spike,
    spikeStrict,
    derivative,
    primitive: (x) => def.primitive(x, alpha),
    ...(def.fusedName ? { fusedName: def.fusedName } : {}),
  };
}

/**
 * A `surrogate` plugin from its formula: g'(x) and its primitive g, each a
 * function of x = H − θ and the width α (the plugin's one option, `alpha`,
 * with this default). Write the formula in the docstring of the plugin.
 */
export function defineSurrogate(definition: {
  name: string;
  description: string;
  /** Default α (> 0). */
  alpha: number;
  derivative(x: tf.Tensor, alpha: number): tf.Tensor;
  primitive(x: tf.Tensor, alpha: number): tf.Tensor;
  /** Set when the fused LIF kernel knows this surrogate under that name. */
  fusedName?: FusedSurrogateName;
}): Plugin<'surrogate', { alpha: number }, Surrogate> {
  const { alpha: defaultAlpha, description, ...formula } = definition;
  return definePlugin({
    kind: 'surrogate',
    name: definition.name,
    description,
    options: z.object({ alpha: z.number().positive().default(defaultAlpha) }),
    create: ({ alpha }): Surrogate => makeSurrogate({ ...formula, alpha }),
  });
}

/**
 * The same surrogate with its smooth primitive g as the forward pass (and g'
 * backward): a differentiable stand-in whose autograd must match finite
 * differences. Tests use it to check backpropagation through time.
 */
export function smoothSurrogate(s: Surrogate): Surrogate {
  const withGrad = unaryCustomGrad((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: s.primitive(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, s.derivative(saved[0]!)),
    };
  });
  return {
    name: `${s.name}-smooth`,
    alpha: s.alpha,
    spike: withGrad,
    spikeStrict: withGrad,
    derivative: s.derivative,
    primitive: s.primitive,
  };
}
