import type { PluginPackage, Registry } from '@spikedistill/core';
import { encoderPlugins } from './encoders/index.js';
import { neuronPlugins } from './neurons/index.js';
import { surrogatePlugins } from './surrogates/index.js';

export const packageName = '@spikedistill/neurons';

/** Registers the neurons, surrogates and encoders (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      for (const p of surrogatePlugins) r.register(p);
      for (const p of neuronPlugins) r.register(p);
      for (const p of encoderPlugins) r.register(p);
    },
  });
}

export const neuronsPackage: PluginPackage = { name: packageName, register };
