import type { PluginPackage, Registry } from '@spikedistill/core';
import { dncnn, restormerLite, spikingDncnn, spikingUnet, unet } from './backbones/index.js';
import { fftLoss } from './losses/index.js';
import { psnrMetric, ssimMetric } from './metrics/index.js';

export * from './backbones/index.js';
export * from './io/index.js';
export * from './losses/index.js';
export * from './pretrained/index.js';
export * from './metrics/index.js';

export const packageName = '@spikedistill/restoration';

/** Registers this package's plugins on `registry` (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      r.register(fftLoss);
      for (const plugin of [dncnn, unet, restormerLite, spikingDncnn, spikingUnet]) {
        r.register(plugin);
      }
      r.register(psnrMetric);
      r.register(ssimMetric);
    },
  });
}

/** For `createRegistry({ packages: [neuronsPackage, restorationPackage] })`. */
export const restorationPackage: PluginPackage = { name: packageName, register };
