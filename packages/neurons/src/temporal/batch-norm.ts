import { BatchNorm } from '@spikedistill/nn';

/**
 * tdBN, threshold-dependent batch norm (Zheng et al. 2021): batch norm over
 * T and N together (nn's BatchNorm normalises over every axis but the last,
 * so [T, N, …, C] and the merged [T·N, …, C] alike), its output scaled by
 * α·V_th before the learned affine. Training or eval follows the module's mode.
 */
export function tdBN(options: {
  channels: number;
  threshold?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
}): BatchNorm {
  const { channels, threshold = 1, alpha = 1, ...rest } = options;
  return new BatchNorm(channels, { ...rest, scale: alpha * threshold });
}

/** Plain batch norm applied through time (statistics over T·N merged; SpikingJelly's SeqToANNContainer(BatchNorm2d)). */
export function batchNormThroughTime(options: {
  channels: number;
  eps?: number;
  momentum?: number;
}): BatchNorm {
  const { channels, ...rest } = options;
  return new BatchNorm(channels, { ...rest, scale: 1 });
}
