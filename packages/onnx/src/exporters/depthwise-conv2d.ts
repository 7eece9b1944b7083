import { DepthwiseConv2d } from '@spikedistill/nn';
import { permute } from '../graph/layout.js';
import { defineExporter } from './exporter.js';

/** Depthwise k×k conv ('same'): filter [k, k, C, 1] → ONNX [C, 1, k, k], one group per channel. */
export const depthwiseConv2dExporter = defineExporter({
  layer: DepthwiseConv2d,
  role: 'layer',
  export(ctx, conv, x) {
    const g = ctx.graph;
    const w = ctx.weight(conv, 'weight');
    const k = w.dims[0]!;
    const p = (k - 1) / 2;
    const filter = permute(w.data, w.dims, [2, 3, 0, 1]);
    const inputs = [x, g.weight(w.name, filter.data, filter.dims)];
    if (conv.bias) {
      const b = ctx.param(conv, 'bias');
      inputs.push(g.weight(b.name, b.data, b.dims));
    }
    return g.op('Conv', inputs, {
      group: conv.channels,
      kernel_shape: [k, k],
      pads: [p, p, p, p],
    });
  },
});
