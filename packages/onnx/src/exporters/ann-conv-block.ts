import { AnnConvBlock } from '@spikedistill/restoration';
import { defineExporter } from './exporter.js';

/**
 * The ANN twin's block in a spiking block's place: conv → BN → ReLU on
 * [T·N, C, H, W] (T = 1); the activations stand where the spikes would.
 */
export const annConvBlockExporter = defineExporter({
  layer: AnnConvBlock,
  role: 'spiking-block',
  export(ctx, block, { inputs }) {
    const g = ctx.graph;
    const x = inputs.length === 1 ? inputs[0]! : g.op('Concat', inputs, { axis: 1 });
    let current = ctx.layer(block.conv, x);
    if (block.norm) current = ctx.layer(block.norm, current);
    return { spikes: g.op('Relu', [current]), current };
  },
});
