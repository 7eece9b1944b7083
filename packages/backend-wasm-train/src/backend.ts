import {
  activateWasm,
  type Backend,
  ConfigError,
  definePlugin,
  wasmBackend,
} from '@spikedistill/core';
import { z } from 'zod';
import {
  configureNativeConv,
  loadNativeRuntime,
  type NativeConvStatus,
  nativeConvOption,
} from './native/native-conv.js';
import { configureThreads, threadsOption } from './parallel/threads.js';
import { installKernels } from './register-all.js';

/**
 * Replaces core's `wasm` plugin (register with `{ override: true }`): the same
 * bundled tfjs-backend-wasm, plus the kernels a training step needs (conv and
 * depthwise backprops, MaxPoolGrad, copy-free Slice, …).
 */
export const wasmTrainBackend = definePlugin({
  kind: 'backend',
  name: 'wasm',
  description:
    'tfjs WebAssembly backend (SIMD, bundled) with training kernels from @spikedistill/backend-wasm-train.',
  options: z.object({ threads: threadsOption, nativeConv: nativeConvOption }),
  create: (options, ctx): Backend => {
    const base = wasmBackend.create({}, ctx);
    return {
      tfName: 'wasm',
      priority: 50,
      probe: async () => {
        const availability = await base.probe();
        return availability.available
          ? {
              available: true,
              detail: `bundled with @spikedistill/core; training kernels; ${convEngine(options.nativeConv)}`,
            }
          : availability;
      },
      activate: async () => {
        try {
          const threads = await configureThreads(options.threads);
          ctx.logger.debug(`wasm: ${threads} thread(s)`);
        } catch (err) {
          // Already initialised with another count (e.g. by core's plain wasm plugin): keep it.
          if (!(err instanceof ConfigError)) throw err;
          ctx.logger.warn(err.message);
        }
        // Kernels register after the wasm package is imported, or its own
        // registrations (made on import) would replace ours. Idempotent:
        // activate() runs on every selectBackend call.
        await activateWasm();
        installKernels();
        ctx.logger.info(`wasm: ${describeConvEngine(configureNativeConv(options.nativeConv))}`);
      },
    };
  },
});

/** Says what will run the conv passes under `mode`, without activating anything. */
function convEngine(mode: NativeConvStatus['mode']): string {
  if (mode === 'off') return 'conv passes on wasm (nativeConv off)';
  const runtime = loadNativeRuntime();
  return runtime.ok
    ? `conv passes on onnxruntime-node ${runtime.version} (nativeConv ${mode})`
    : `conv passes on wasm (${runtime.reason})`;
}

/** One line for the log: which engine runs the conv passes, and why. */
export function describeConvEngine(status: NativeConvStatus): string {
  return status.active
    ? `conv passes on ${status.engine} native kernels (nativeConv ${status.mode})`
    : `conv passes on wasm (XNNPACK): ${status.reason ?? 'native conv unavailable'}`;
}
