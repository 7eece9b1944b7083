import type { Registry } from '@spikedistill/core';

export const packageName = '@spikedistill/energy';

/** Registers this package's plugins on `registry` (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({ name: packageName, register: () => {} });
}
