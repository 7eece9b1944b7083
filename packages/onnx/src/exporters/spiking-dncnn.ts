import { Conv2d } from '@spikedistill/nn';
import { DNCNN_TAPS, SpikingDnCNN, dncnnTapLayers } from '@spikedistill/restoration';
import { meanOverTime } from '../graph/time.js';
import { defineExporter } from './exporter.js';
import { encodeInput, studentBlock } from './spiking-student.js';

/** Spiking DnCNN: encode over T, spiking blocks, mean over T, analog head, residual (or its ANN twin). */
export const spikingDncnnExporter = defineExporter({
  layer: SpikingDnCNN,
  role: 'backbone',
  export(ctx, net, x) {
    const g = ctx.graph;
    const { depth, tapSignal, residual, encoder } = net.options;
    const timesteps = net.timesteps;
    const tapsAt = new Map<number, string[]>();
    dncnnTapLayers(depth).forEach((layer, q) => {
      tapsAt.set(layer, [...(tapsAt.get(layer) ?? []), DNCNN_TAPS[q]!]);
    });
    let s = encodeInput(g, x, net, encoder);
    for (let i = 1; i < depth; i++) {
      const block = studentBlock(ctx, net, `block${i}`);
      const out = ctx.apply('spiking-block', block, { inputs: [s], timesteps });
      s = out.spikes;
      for (const name of tapsAt.get(i) ?? []) {
        // The twin's taps are [N, H, W, C]: recorded without T.
        const value = tapSignal === 'spikes' ? out.spikes : out.current;
        ctx.tap(name, value, net.spiking ? timesteps : undefined);
      }
    }
    const noise = ctx.layer(ctx.child(net, 'head', Conv2d), meanOverTime(g, s, timesteps));
    return residual ? g.op('Sub', [x, noise]) : noise;
  },
});
