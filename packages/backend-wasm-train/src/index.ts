import type { PluginPackage, Registry } from '@spikedistill/core';
import { wasmTrainBackend } from './backend.js';

export const packageName = '@spikedistill/backend-wasm-train';

export { kernelSets, wasmTrainBackend } from './backend.js';
export { registerTrainingKernels, trainingKernels } from './kernels/register-all.js';

/** Registers this package's plugins on `registry` (nothing happens on import). */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      // Replaces core's `wasm` on purpose: same backend, plus training kernels.
      r.register(wasmTrainBackend, { override: true });
      // Further plugins of this package register here.
      registerFusedKernels();
    },
  });
}

/** For `createRegistry({ packages: [corePackage, wasmTrainPackage] })`. */
export const wasmTrainPackage: PluginPackage = { name: packageName, register };

// --- fused spiking neurons, threads (src/fused, src/parallel) ---------------
import { registerFusedKernels } from './fused/register-fused.js';

export { fusedKernels, registerFusedKernels } from './fused/register-fused.js';
export { fusedSurrogateNames, type SurrogateGrad, surrogateGrad } from './fused/surrogates.js';
export {
  configureThreads,
  maxThreads,
  type ThreadsSetting,
  threadedBuildAvailable,
  threadsOption,
  wasmThreads,
} from './parallel/threads.js';

// --- conv passes on ONNX Runtime's native kernels (src/native) --------------
export { describeConvEngine } from './backend.js';
export {
  type ConvPass,
  clearNativeConvSessions,
  configureNativeConv,
  type NativeConvMode,
  type NativeConvStatus,
  type NativeConvTuning,
  nativeConvOption,
  nativeConvStatus,
} from './native/native-conv.js';

// --- op-by-op timing (src/profile) -----------------------------------------
export {
  type KernelProfiler,
  type KernelTiming,
  startKernelProfile,
} from './profile/kernel-profile.js';
