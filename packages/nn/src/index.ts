export { BatchNorm, type BatchNormOptions } from './batch-norm.js';
export { conv2dFast, convTranspose2x2Fast, needsOwnFilterGrad } from './conv-filter-grad.js';
export { ConvTranspose2x2 } from './conv-transpose2d.js';
export { convNormOverTime } from './conv-norm-over-time.js';
export { type Conv2dOptions, Conv2d } from './conv2d.js';
export { DepthwiseConv2d } from './depthwise-conv2d.js';
export { kaimingNormal, torchUniform } from './init.js';
export { ChannelLayerNorm } from './layer-norm.js';
export { pixelShuffle, pixelUnshuffle } from './pixel-shuffle.js';
export { batchToSeq, overTime, seqToBatch } from './seq-batch.js';
export { type ForwardModule, TimeDistributed } from './time-distributed.js';
export { upsample2 } from './upsample.js';

export const packageName = '@spikedistill/nn';
