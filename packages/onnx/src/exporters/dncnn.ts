import { DNCNN_TAPS, DnCNN, dncnnTapLayers } from '@spikedistill/restoration';
import { defineExporter } from './exporter.js';

/** DnCNN: conv+ReLU, conv+BN+ReLU …, conv; taps q1–q4 after the ReLU of their layers. */
export const dncnnExporter = defineExporter({
  layer: DnCNN,
  role: 'backbone',
  export(ctx, net, x) {
    const g = ctx.graph;
    const tapsAt = new Map<number, string[]>();
    dncnnTapLayers(net.options.depth).forEach((layer, q) => {
      tapsAt.set(layer, [...(tapsAt.get(layer) ?? []), DNCNN_TAPS[q]!]);
    });
    let h = x;
    const depth = net.convs.length;
    for (let i = 0; i < depth; i++) {
      h = ctx.layer(net.convs[i]!, h);
      if (i === depth - 1) break;
      const bn = net.norms[i];
      if (bn) h = ctx.layer(bn, h);
      h = g.op('Relu', [h]);
      for (const name of tapsAt.get(i + 1) ?? []) ctx.tap(name, h);
    }
    return net.options.residual ? g.op('Sub', [x, h]) : h;
  },
});
