import { ConvTranspose2x2 } from '@spikedistill/nn';
import { permute } from '../graph/layout.js';
import { defineExporter } from './exporter.js';

/** 2×2 stride-2 transposed conv: tfjs filter [2, 2, out, in] → ONNX [in, out, 2, 2], no flip. */
export const convTranspose2x2Exporter = defineExporter({
  layer: ConvTranspose2x2,
  role: 'layer',
  export(ctx, up, x) {
    const g = ctx.graph;
    const w = ctx.weight(up, 'weight');
    const iohw = permute(w.data, w.dims, [3, 2, 0, 1]);
    const inputs = [x, g.weight(w.name, iohw.data, iohw.dims)];
    if (up.bias) {
      const b = ctx.param(up, 'bias');
      inputs.push(g.weight(b.name, b.data, b.dims));
    }
    return g.op('ConvTranspose', inputs, { kernel_shape: [2, 2], strides: [2, 2] });
  },
});
