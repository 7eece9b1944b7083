import { z } from 'zod';
import { definePlugin } from '../plugin.js';
import { tf } from '../tf.js';
import type { Backend } from './backend.js';
import { guardWasmMalloc } from './wasm-memory.js';

/** Loads tfjs-backend-wasm and makes it the active backend. Reused by packages that add kernels. */
export async function activateWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('tfjs refused to initialise the wasm backend (see the warning above)');
  }
  await tf.ready();
  guardWasmMalloc();
}

/**
 * The embedded default: ships inside its npm package and runs offline. On its
 * own it runs inference only; @spikedistill/backend-wasm-train replaces this
 * plugin with one that also registers training kernels.
 */
export const wasmBackend = definePlugin({
  kind: 'backend',
  name: 'wasm',
  description:
    'tfjs WebAssembly backend (SIMD), bundled; inference kernels only without backend-wasm-train.',
  options: z.object({}),
  create: (): Backend => ({
    tfName: 'wasm',
    priority: 50,
    probe: async () => {
      await import('@tensorflow/tfjs-backend-wasm');
      return { available: true, detail: 'bundled with @spikedistill/core' };
    },
    activate: activateWasm,
  }),
});
