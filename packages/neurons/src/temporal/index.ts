export { batchNormThroughTime, tdBN } from './batch-norm.js';
export {
  type BlockNorm,
  SpikingConvBlock,
  type SpikingConvBlockOptions,
  type SpikingConvOutput,
} from './conv-block.js';
