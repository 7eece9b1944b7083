import type { PluginPackage, Registry } from '@spikedistill/core';
import { encoderPlugins } from './encoders/index.js';
import { firingRateProbe } from './monitors/firing-rate-probe.js';
import { neuronPlugins } from './neurons/index.js';
import { surrogatePlugins } from './surrogates/index.js';

export const packageName = '@spikedistill/neurons';

/** Registers the neurons, surrogates, encoders and the firing-rate probe (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      for (const p of surrogatePlugins) r.register(p);
      for (const p of neuronPlugins) r.register(p);
      for (const p of encoderPlugins) r.register(p);
      r.register(firingRateProbe);
    },
  });
}

export const neuronsPackage: PluginPackage = { name: packageName, register };
