import type { PluginPackage, Registry } from '@spikedistill/core';
import { conv1x1Adapter, conv3x3Adapter } from './adapters/conv1x1.js';
import { identityAdapter } from './adapters/identity.js';
import { attentionLoss } from './losses/attention.js';
import { cosineLoss } from './losses/cosine.js';
import { ternaryQuantizer } from './quantizers/ternary.js';
import { lastReducer, meanReducer, sumReducer } from './reducers/reducers.js';
import { composeStrategy } from './strategies/compose.js';
import { hintStrategy } from './strategies/hint.js';
import { noneStrategy } from './strategies/none.js';
import { outputKdStrategy } from './strategies/output-kd.js';
import { tnaStrategy } from './strategies/tna.js';

export { ConvAdapter } from './adapters/conv-adapter.js';
export { AdapterSet, type HintOptions, HintLayers, hintOptions } from './strategies/hint-layers.js';
export type { Adapter, AdapterFactory, TemporalReducer } from './types.js';
export {
  attentionLoss,
  composeStrategy,
  conv1x1Adapter,
  conv3x3Adapter,
  cosineLoss,
  hintStrategy,
  identityAdapter,
  lastReducer,
  meanReducer,
  noneStrategy,
  outputKdStrategy,
  sumReducer,
  ternaryQuantizer,
  tnaStrategy,
};

export const packageName = '@spikedistill/hints';

export const plugins = [
  cosineLoss,
  attentionLoss,
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
  composeStrategy,
];

/** Registers the feature losses, adapters, reducers, the quantizer and the strategies of this package. */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      for (const plugin of plugins) r.register(plugin);
    },
  });
}

/** For `createRegistry({ packages: [corePackage, hintsPackage] })`. */
export const hintsPackage: PluginPackage = { name: packageName, register };
