import type { PluginPackage, Registry } from '@spikedistill/core';
import { wasmTrainBackend } from './backend.js';

export const packageName = '@spikedistill/backend-wasm-train';

export { describeConvEngine, wasmTrainBackend } from './backend.js';
export { fusedSurrogateNames, type SurrogateGrad, surrogateGrad } from './fused/surrogates.js';
export {
  configureThreads,
  maxThreads,
  type ThreadsSetting,
  threadedBuildAvailable,
  threadsOption,
  wasmThreads,
} from './parallel/threads.js';
export { wasmTrainGradients, wasmTrainKernels } from './register-all.js';

/**
 * Registers this package's plugin on `registry`. Nothing happens on import or
 * here beyond that: the kernels are installed when the `wasm` backend is
 * activated (`selectBackend(registry, 'wasm' | 'auto')`).
 */
export function register(registry: Registry): void {
  registry.use({
    name: packageName,
    register: (r) => {
      // Replaces core's `wasm` on purpose: same backend, plus training kernels.
      r.register(wasmTrainBackend, { override: true });
    },
  });
}

/** For `createRegistry({ packages: [corePackage, wasmTrainPackage] })`. */
export const wasmTrainPackage: PluginPackage = { name: packageName, register };

// --- conv passes on ONNX Runtime's native kernels (src/native) --------------
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
