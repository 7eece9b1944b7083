import { ChannelLayerNorm } from '@spikedistill/nn';
import { defineExporter } from './exporter.js';

/**
 * Layer norm over the channels of each pixel. ONNX's LayerNormalization
 * normalises every axis from `axis` on (C, H and W in NCHW), so the
 * per-pixel statistics are spelled out, as the tfjs layer computes them.
 */
export const channelLayerNormExporter = defineExporter({
  layer: ChannelLayerNorm,
  role: 'layer',
  export(ctx, norm, x) {
    const g = ctx.graph;
    const axis = g.int64s([1]);
    const mean = g.op('ReduceMean', [x, axis], { keepdims: 1 });
    const centred = g.op('Sub', [x, mean]);
    const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred]), axis], { keepdims: 1 });
    const std = g.op('Sqrt', [g.op('Add', [variance, g.floats(norm.eps)])]);
    const y = g.op('Div', [centred, std]);
    // [C, 1, 1] broadcasts over [N, C, H, W].
    const w = ctx.param(norm, 'weight');
    const b = ctx.param(norm, 'bias');
    const perChannel = [norm.channels, 1, 1];
    return g.op('Add', [
      g.op('Mul', [y, g.weight(w.name, w.data, perChannel)]),
      g.weight(b.name, b.data, perChannel),
    ]);
  },
});
