import type { Module, PluginRef } from '@spikedistill/core';
import { SpikingConvBlock } from '@spikedistill/neurons';
import { AnnConvBlock, type SpikingStudent, type StudentBlock } from '@spikedistill/restoration';
import type { GraphBuilder, Value } from '../graph/builder.js';
import { repeatOverTime } from '../graph/time.js';
import { ExportError } from '../errors.js';
import type { ExportContext } from './context.js';

/**
 * The input encoding of a spiking student. Only direct encoding (the image
 * at every step) is deterministic; rate and latency encoders draw random
 * spikes, which an exported model could not reproduce. The ANN twin takes
 * the image as its one step and has no encoder.
 */
export function encodeInput(
  g: GraphBuilder,
  x: Value,
  net: SpikingStudent,
  encoder: PluginRef | string,
): Value {
  if (!net.spiking) return x;
  const name = typeof encoder === 'string' ? encoder : encoder.name;
  if (name !== 'direct') {
    throw new ExportError(
      `${net.label} uses the '${name}' encoder; ONNX export supports the 'direct' encoder only (the others are random)`,
    );
  }
  return repeatOverTime(g, x, net.timesteps);
}

/** Block `name` of a student: a spiking block, or the ANN twin's conv → BN → ReLU. */
export function studentBlock(ctx: ExportContext, net: Module, name: string): StudentBlock {
  const block = ctx.child(net, name);
  if (block instanceof SpikingConvBlock || block instanceof AnnConvBlock) return block;
  throw new ExportError(
    `ONNX export expected '${name}' of ${net.constructor.name} to be a SpikingConvBlock or an AnnConvBlock, it is a ${block.constructor.name}`,
  );
}
