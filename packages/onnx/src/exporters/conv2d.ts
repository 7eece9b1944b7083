import { Conv2d } from '@spikedistill/nn';
import { permute } from '../graph/layout.js';
import { defineExporter } from './exporter.js';

/** Conv2d: HWIO filter → ONNX OIHW; 'same' (odd k, stride 1) and explicit pads are symmetric. */
export const conv2dExporter = defineExporter({
  layer: Conv2d,
  role: 'layer',
  export(ctx, conv, x) {
    const g = ctx.graph;
    const w = ctx.weight(conv, 'weight');
    const k = w.dims[0]!;
    const oihw = permute(w.data, w.dims, [3, 2, 0, 1]);
    const inputs = [x, g.weight(w.name, oihw.data, oihw.dims)];
    if (conv.bias) {
      const b = ctx.param(conv, 'bias');
      inputs.push(g.weight(b.name, b.data, b.dims));
    }
    const p = conv.pad === 'same' ? (k - 1) / 2 : conv.pad === 'valid' ? 0 : conv.pad;
    return g.op('Conv', inputs, {
      kernel_shape: [k, k],
      strides: [conv.stride, conv.stride],
      pads: [p, p, p, p],
    });
  },
});
