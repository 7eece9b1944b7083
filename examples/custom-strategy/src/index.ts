import type { PluginPackage, Registry } from '@spikedistill/core';
import { encoderAttention } from './encoder-attention.js';

export { encoderAttention } from './encoder-attention.js';

export const packageName = '@spikedistill/example-custom-strategy';

/** Registers the example's strategy (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({ name: packageName, register: (r) => r.register(encoderAttention) });
}

export const customStrategyPackage: PluginPackage = { name: packageName, register };
