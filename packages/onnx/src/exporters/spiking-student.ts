import type { PluginRef } from '@spikedistill/core';
import type { GraphBuilder, Value } from '../graph/builder.js';
import { repeatOverTime } from '../graph/time.js';
import { ExportError } from '../errors.js';

/**
 * The input encoding of a spiking student. Only direct encoding (the image
 * at every step) is deterministic; rate and latency encoders draw random
 * spikes, which an exported model could not reproduce.
 */
export function encodeInput(
  g: GraphBuilder,
  x: Value,
  timesteps: number,
  encoder: PluginRef | string,
  owner: string,
): Value {
  const name = typeof encoder === 'string' ? encoder : encoder.name;
  if (name !== 'direct') {
    throw new ExportError(
      `${owner} uses the '${name}' encoder; ONNX export supports the 'direct' encoder only (the others are random)`,
    );
  }
  return repeatOverTime(g, x, timesteps);
}
