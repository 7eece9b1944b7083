import { type Context, definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import { spikingFlavour } from './flavours.js';
import { spikingOptions } from './options.js';
import { Vgg, vggShape } from './vgg.js';

export const spikingVggOptions = z.object({ ...vggShape, ...spikingOptions });

export const spikingVgg = definePlugin({
  kind: 'backbone',
  name: 'spiking-vgg',
  description:
    'Spiking VGG-style classifier: the image direct-encoded over T steps, stages of 3×3 conv → tdBN → LIF units, 2×2 pooling between stages, global average pooling, linear head; logits = mean membrane potential (or spike count) over T. Taps stage1…stageK (spikes, [T, N, H/2^(k−1), W/2^(k−1), C]).',
  options: spikingVggOptions,
  meta: { task: 'classification', spiking: true },
  create: (o, ctx: Context) => new Vgg(`spiking-vgg (at ${ctx.path})`, o, spikingFlavour(o, ctx)),
});
