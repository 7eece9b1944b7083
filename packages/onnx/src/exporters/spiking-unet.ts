import { Conv2d } from '@spikedistill/nn';
import { SpikingUNet } from '@spikedistill/restoration';
import type { Value } from '../graph/builder.js';
import { meanOverTime } from '../graph/time.js';
import { defineExporter } from './exporter.js';
import { encodeInput, studentBlock } from './spiking-student.js';

/**
 * Spiking U-Net: spiking blocks on three levels (stride-2 down), nearest ×2
 * up with the skip concatenated after, the level-1 decoder's spikes
 * averaged over T, analog head, global residual. Its ANN twin (`ann`) is
 * the same graph with ReLU blocks, one step and taps without T.
 */
export const spikingUnetExporter = defineExporter({
  layer: SpikingUNet,
  role: 'backbone',
  export(ctx, net, x) {
    const g = ctx.graph;
    const { tapSignal, residual, encoder } = net.options;
    const timesteps = net.timesteps;
    const block = (name: string, inputs: Value[]) => {
      const out = ctx.apply('spiking-block', studentBlock(ctx, net, name), { inputs, timesteps });
      // The twin's taps are [N, H, W, C]: recorded without T.
      ctx.tap(
        name,
        tapSignal === 'spikes' ? out.spikes : out.current,
        net.spiking ? timesteps : undefined,
      );
      return out.spikes;
    };
    // Nearest neighbour: output pixel i reads input ⌊i/2⌋, as tfjs's resizeNearestNeighbor here.
    const up = (s: Value) =>
      g.op('Resize', [s, '', g.floats([1, 1, 2, 2])], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
    const e1 = block('enc1', [encodeInput(g, x, net, encoder)]);
    const e2 = block('enc2', [e1]);
    const lat = block('latent', [e2]);
    const d2 = block('dec2', [up(lat), e2]);
    const d1 = block('dec1', [up(d2), e1]);
    const out = ctx.layer(ctx.child(net, 'head', Conv2d), meanOverTime(g, d1, timesteps));
    return residual ? g.op('Add', [x, out]) : out;
  },
});
