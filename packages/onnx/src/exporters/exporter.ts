import type { Module } from '@spikedistill/core';
import type { Value } from '../graph/builder.js';
import type { ExportContext } from './context.js';

/** A layer class, abstract or not (the key an exporter is registered under). */
export type LayerClass<M extends Module = Module> = abstract new (...args: never[]) => M;

/**
 * What a layer of each role takes and gives inside the graph. Values are
 * NCHW; spiking values merge the T steps into the batch, step-major
 * ([T·N, C, H, W], step t at rows t·N … t·N + N − 1), as tfjs's seqToBatch.
 */
export interface Roles {
  /** An analog layer, one tensor in, one out (Conv2d, BatchNorm, …). */
  layer: { input: Value; output: Value };
  /** Spiking neurons: input current → spikes, stepping through `timesteps`. */
  neuron: { input: { current: Value; timesteps: number }; output: Value };
  /** A spiking conv block: inputs concatenated on channels → current and spikes. */
  'spiking-block': {
    input: { inputs: readonly Value[]; timesteps: number };
    output: { spikes: Value; current: Value };
  };
  /** A whole backbone: the NCHW image → the NCHW output; taps go to `ctx.tap`. */
  backbone: { input: Value; output: Value };
}
export type Role = keyof Roles;

/**
 * How one layer class becomes ONNX nodes: the only place that knows it.
 * Subclasses without an exporter of their own use their nearest
 * ancestor's (TemporalBatchNorm → BatchNorm, IfNeuron → LifNeuron).
 */
export interface LayerExporter<M extends Module = any, R extends Role = Role> {
  readonly layer: LayerClass<M>;
  readonly role: R;
  export(ctx: ExportContext, module: M, input: Roles[R]['input']): Roles[R]['output'];
}

/** Types an exporter (no runtime effect). */
export function defineExporter<M extends Module, R extends Role>(
  exporter: LayerExporter<M, R>,
): LayerExporter<M, R> {
  return exporter;
}
