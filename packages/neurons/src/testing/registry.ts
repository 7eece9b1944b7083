import { createRegistry, corePackage, type Registry } from '@spikedistill/core';
import { neuronsPackage } from '../register.js';

/** A registry with core's backends and every plugin of this package. */
export function neuronsRegistry(seed = 1): Registry {
  return createRegistry({ packages: [corePackage, neuronsPackage], seed });
}
