import { type Context, type PluginRef, type RefValue, ref } from '@spikedistill/core';
import { z } from 'zod';
import type { Surrogate } from '../surrogates/surrogate.js';

/** A surrogate by name (`'atan'`) or as `{ name, options }`, resolved through the registry. */
export type SurrogateRef = RefValue;

/** Option fields every LIF-family neuron shares (SpikingJelly's names, camelCased). */
export const lifFamilyOptions = {
  threshold: z.number().positive().default(1).describe('firing threshold θ (> 0)'),
  vReset: z
    .number()
    .nullable()
    .default(0)
    .describe('reset value V_r; null: soft reset (subtract θ)'),
  detachReset: z.boolean().default(false).describe('no gradient through the reset'),
  surrogate: ref('surrogate', 'sigmoid').describe('surrogate gradient: name or {name, options}'),
};

/**
 * Creates the surrogate a neuron's options name. An unknown name is an
 * UnknownPluginError that lists the registered surrogates and says where.
 */
export function resolveSurrogate(ref: SurrogateRef, ctx: Context): Surrogate {
  return ctx.registry.createFrom(
    'surrogate',
    ref as PluginRef | string,
    `${ctx.path}.options.surrogate`,
  );
}
