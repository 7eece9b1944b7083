import { BatchNorm } from '@spikedistill/nn';
import { float } from '../graph/builder.js';
import { defineExporter } from './exporter.js';

/**
 * BatchNorm in eval mode (running statistics), tdBN and BN-through-time
 * included (subclasses; on merged [T·N, C, H, W] the per-channel affine is
 * the same). tdBN's α·V_th scale is folded into the gain.
 */
export const batchNormExporter = defineExporter({
  layer: BatchNorm,
  role: 'layer',
  export(ctx, bn, x) {
    const g = ctx.graph;
    const w = ctx.param(bn, 'weight');
    const b = ctx.param(bn, 'bias');
    const mean = ctx.buffer(bn, 'runningMean');
    const variance = ctx.buffer(bn, 'runningVar');
    const gain = bn.scale === 1 ? w.data : w.data.map((v) => v * bn.scale);
    return g.op(
      'BatchNormalization',
      [
        x,
        g.weight(w.name, gain, w.dims),
        g.weight(b.name, b.data, b.dims),
        g.weight(mean.name, mean.data, mean.dims),
        g.weight(variance.name, variance.data, variance.dims),
      ],
      { epsilon: float(bn.eps) },
    );
  },
});
