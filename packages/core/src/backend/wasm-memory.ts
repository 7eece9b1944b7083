import { SpikedistillError } from '../errors.js';
import { tf } from '../tf.js';

interface WasmModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  spikedistillGuarded?: boolean;
}

const GiB = 2 ** 30;
/** tfjs-backend-wasm's heap cannot grow beyond 4 GiB. */
const MAX_HEAP = 4 * GiB;

/**
 * tfjs-backend-wasm does not check what malloc returns: when the heap
 * cannot grow (its cap is 4 GiB) a tensor gets address 0 and kernels then
 * write over the heap, which can spin forever instead of failing; and a
 * size of 4 GiB or more wraps around to a small allocation. This wraps the
 * module's malloc so an allocation that cannot succeed is an E_MEMORY error
 * naming the size, at the moment it happens.
 */
export function guardWasmMalloc(): void {
  const wasm = (tf.findBackend('wasm') as unknown as { wasm?: WasmModule } | undefined)?.wasm;
  if (!wasm || wasm.spikedistillGuarded) return;
  // Emscripten's first call replaces the exported stub with the raw function: resolve it first.
  wasm._free(wasm._malloc(8));
  const malloc = wasm._malloc;
  wasm._malloc = (bytes: number) => {
    // A size of 4 GiB or more would wrap to a small one in wasm32's 32-bit argument.
    const pointer = bytes < MAX_HEAP ? malloc(bytes) : 0;
    if (pointer === 0 && bytes > 0) {
      throw new SpikedistillError(
        'E_MEMORY',
        `the wasm backend could not allocate ${(bytes / 2 ** 20).toFixed(1)} MiB (its heap holds ${(wasm.HEAPU8.length / GiB).toFixed(2)} GiB of at most 4 GiB). Use smaller batches or images; evaluation tiles large images by itself.`,
      );
    }
    return pointer;
  };
  wasm.spikedistillGuarded = true;
}
