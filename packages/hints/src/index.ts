import type { Registry } from '@spikedistill/core';
import { conv1x1Adapter, conv3x3Adapter } from './adapters/conv1x1.js';
import { identityAdapter } from './adapters/identity.js';
import { attentionMatcher } from './matchers/attention.js';
import { cosineMatcher } from './matchers/cosine.js';
import { l1Matcher } from './matchers/l1.js';
import { mseMatcher } from './matchers/mse.js';
import { ternaryQuantizer } from './quantizers/ternary.js';
import { lastReducer, meanReducer, sumReducer } from './reducers/reducers.js';
import { hintStrategy } from './strategies/hint.js';
import { noneStrategy } from './strategies/none.js';
import { outputKdStrategy } from './strategies/output-kd.js';
import { tnaStrategy } from './strategies/tna.js';

export { ConvAdapter } from './adapters/conv-adapter.js';
export { AdapterSet, type HintOptions, HintLayers, hintOptions } from './strategies/hint-layers.js';
export type { Adapter, AdapterFactory, HintMatcher, Quantizer, TemporalReducer } from './types.js';
export {
  attentionMatcher,
  conv1x1Adapter,
  conv3x3Adapter,
  cosineMatcher,
  hintStrategy,
  identityAdapter,
  l1Matcher,
  lastReducer,
  meanReducer,
  mseMatcher,
  noneStrategy,
  outputKdStrategy,
  sumReducer,
  ternaryQuantizer,
  tnaStrategy,
};

export const packageName = '@spikedistill/hints';

export const plugins = [
  mseMatcher,
  l1Matcher,
  cosineMatcher,
  attentionMatcher,
  conv1x1Adapter,
  conv3x3Adapter,
  identityAdapter,
  meanReducer,
  lastReducer,
  sumReducer,
  ternaryQuantizer,
  noneStrategy,
  hintStrategy,
  outputKdStrategy,
  tnaStrategy,
];

/** Registers every matcher, adapter, reducer, quantizer and strategy of this package. */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      for (const plugin of plugins) r.register(plugin);
    },
  });
}
