import type { Module } from '@spikedistill/core';
import { BatchNorm, Conv2d, ConvTranspose2x2 } from '@spikedistill/nn';
import { UNet } from '@spikedistill/restoration';
import type { Value } from '../graph/builder.js';
import type { ExportContext } from './context.js';
import { defineExporter } from './exporter.js';

/**
 * U-Net: per level a conv stack (conv [+BN] + ReLU, members conv1…, bn1…),
 * 2×2 stride-2 convs down (+ReLU), 2×2 transposed convs up (+ReLU), skips
 * concatenated after the upsampled features, a 3×3 head, global residual.
 */
export const unetExporter = defineExporter({
  layer: UNet,
  role: 'backbone',
  export(ctx, net, x) {
    const g = ctx.graph;
    const { widths, convsPerLevel, residual } = net.options;
    const levels = widths.length;
    const skips: Value[] = [];
    let h = x;
    for (let l = 0; l < levels; l++) {
      if (l > 0) h = g.op('Relu', [ctx.layer(ctx.child(net, `down${l}`, Conv2d), h)]);
      const name = l === levels - 1 ? 'latent' : `enc${l + 1}`;
      h = convStack(ctx, ctx.child(net, name), convsPerLevel, h);
      ctx.tap(name, h);
      skips.push(h);
    }
    for (let l = levels - 2; l >= 0; l--) {
      const up = g.op('Relu', [ctx.layer(ctx.child(net, `up${l + 1}`, ConvTranspose2x2), h)]);
      const joined = g.op('Concat', [up, skips[l]!], { axis: 1 });
      h = convStack(ctx, ctx.child(net, `dec${l + 1}`), convsPerLevel, joined);
      ctx.tap(`dec${l + 1}`, h);
    }
    const out = ctx.layer(ctx.child(net, 'head', Conv2d), h);
    return residual ? g.op('Add', [x, out]) : out;
  },
});

/** The U-Net's per-level stack; its class is private to the U-Net, so it is written here. */
function convStack(ctx: ExportContext, stack: Module, n: number, x: Value): Value {
  const g = ctx.graph;
  return g.scoped(ctx.pathOf(stack), () => {
    let h = x;
    for (let i = 1; i <= n; i++) {
      h = ctx.layer(ctx.child(stack, `conv${i}`, Conv2d), h);
      if (ctx.has(stack, `bn${i}`)) h = ctx.layer(ctx.child(stack, `bn${i}`, BatchNorm), h);
      h = g.op('Relu', [h]);
    }
    return h;
  });
}
