import { expect } from 'vitest';
import { corePackage } from '../register.js';
import { createRegistry } from '../registry/registry.js';
import { conformance } from '../testing/conformance.js';
import type { Backend } from './backend.js';

conformance(() => createRegistry({ packages: [corePackage] }), 'backend', {
  checks: [
    {
      name: 'probes without throwing and explains an unavailable result',
      run: async ({ instance }) => {
        const backend = instance as Backend;
        expect(backend.priority).toBeTypeOf('number');
        const availability = await backend.probe();
        if (!availability.available) {
          expect(availability.reason.length).toBeGreaterThan(0);
          expect(availability.install).toBeTruthy();
        }
      },
    },
  ],
});
