import { cpuBackend } from './backend/cpu.js';
import { tensorflowBackend } from './backend/tensorflow.js';
import { wasmBackend } from './backend/wasm.js';
import type { PluginPackage } from './plugin.js';
import type { Registry } from './registry/registry.js';

export const packageName = '@spikedistill/core';

/** Registers core's own plugins: the three backends. */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      r.register(tensorflowBackend);
      r.register(wasmBackend);
      r.register(cpuBackend);
    },
  });
}

export const corePackage: PluginPackage = { name: packageName, register };
