import { cpuBackend } from './backend/cpu.js';
import { tensorflowBackend } from './backend/tensorflow.js';
import { wasmBackend } from './backend/wasm.js';
import { charbonnierLoss } from './losses/charbonnier.js';
import { l1Loss } from './losses/l1.js';
import { mseLoss } from './losses/mse.js';
import { adamOptimizer, adamwOptimizer } from './optim/adam.js';
import { constantSchedule, cosineSchedule, stepSchedule } from './optim/schedule.js';
import { sgdOptimizer } from './optim/sgd.js';
import type { PluginPackage } from './plugin.js';
import type { Registry } from './registry/registry.js';

export const packageName = '@spikedistill/core';

/** Registers core's own plugins: the backends, optimisers, learning-rate schedules and pointwise losses. */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      r.register(tensorflowBackend);
      r.register(wasmBackend);
      r.register(cpuBackend);
      for (const p of [adamOptimizer, adamwOptimizer, sgdOptimizer]) r.register(p);
      for (const p of [constantSchedule, stepSchedule, cosineSchedule]) r.register(p);
      // Pointwise losses serve task and hint terms alike (one l1, one mse).
      for (const p of [l1Loss, mseLoss, charbonnierLoss]) r.register(p);
    },
  });
}

export const corePackage: PluginPackage = { name: packageName, register };
