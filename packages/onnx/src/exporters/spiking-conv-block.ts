import { SpikingConvBlock } from '@spikedistill/neurons';
import { defineExporter } from './exporter.js';

/** conv → norm → neurons on merged [T·N, C, H, W]; several inputs are a channel concatenation. */
export const spikingConvBlockExporter = defineExporter({
  layer: SpikingConvBlock,
  role: 'spiking-block',
  export(ctx, block, { inputs, timesteps }) {
    const g = ctx.graph;
    const x = inputs.length === 1 ? inputs[0]! : g.op('Concat', inputs, { axis: 1 });
    let current = ctx.layer(block.conv, x);
    if (block.norm) current = ctx.layer(block.norm, current);
    const spikes = ctx.apply('neuron', block.neuron, { current, timesteps });
    return { spikes, current };
  },
});
