import { BatchNorm } from '@spikedistill/nn';

export interface TemporalBatchNormOptions {
  channels: number;
  /** Output scale before the learned affine: α·V_th for tdBN, 1 for plain BN. */
  scale?: number;
  eps?: number;
  /** Weight of the new batch in the running statistics (PyTorch's convention). */
  momentum?: number;
}

/**
 * Batch norm over time, channels last: core's BatchNorm, whose statistics
 * cover every axis but the last, so over T and N (and H, W) together. With
 * `scale` = α·V_th this is threshold-dependent batch norm (tdBN, Zheng et
 * al. 2021). Training or eval follows the module's mode. Accepts
 * [T, N, …, C] or the merged [T·N, …, C] alike. This subclass only keeps
 * neurons' options-object constructor.
 */
export class TemporalBatchNorm extends BatchNorm {
  constructor(options: TemporalBatchNormOptions) {
    const { channels, ...rest } = options;
    super(channels, rest);
  }
}

/** tdBN: batch norm over T and N, output scaled by α·V_th (Zheng et al. 2021). */
export function tdBN(options: {
  channels: number;
  threshold?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
}): TemporalBatchNorm {
  const { threshold = 1, alpha = 1, ...rest } = options;
  return new TemporalBatchNorm({ ...rest, scale: alpha * threshold });
}

/** Plain batch norm applied through time (statistics over T·N merged; SpikingJelly's SeqToANNContainer(BatchNorm2d)). */
export function batchNormThroughTime(options: {
  channels: number;
  eps?: number;
  momentum?: number;
}): TemporalBatchNorm {
  return new TemporalBatchNorm({ ...options, scale: 1 });
}
