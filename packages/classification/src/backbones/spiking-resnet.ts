import { type Context, definePlugin } from '@spikedistill/core';
import { z } from 'zod';
import { spikingFlavour } from './flavours.js';
import { spikingOptions } from './options.js';
import { ResNet, resnetShape } from './resnet.js';

export const spikingResnetOptions = z.object({ ...resnetShape, ...spikingOptions });

export const spikingResnet = definePlugin({
  kind: 'backbone',
  name: 'spiking-resnet',
  description:
    'Small spiking ResNet classifier (tdBN basic blocks, Zheng et al. 2021): direct-encoded input over T, 3×3 stem, stages of residual blocks whose shortcut adds to the membrane current, stride 2 between stages, global average pooling, linear head; logits = mean membrane potential (or spike count) over T. Taps stage1…stageK (spikes).',
  options: spikingResnetOptions,
  meta: { task: 'classification', spiking: true },
  create: (o, ctx: Context) =>
    new ResNet(`spiking-resnet (at ${ctx.path})`, o, spikingFlavour(o, ctx)),
});
