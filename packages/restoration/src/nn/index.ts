export { ConvTranspose2x2 } from './conv-transpose2d.js';
export { DepthwiseConv2d } from './depthwise-conv2d.js';
export { ChannelLayerNorm } from './layer-norm.js';
export { pixelShuffle, pixelUnshuffle } from './pixel-shuffle.js';
