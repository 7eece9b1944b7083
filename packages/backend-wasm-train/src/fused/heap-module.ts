/**
 * Instantiates one of the fused kernels' WebAssembly modules (wasm/*.wat) on
 * tfjs-backend-wasm's own memory, so its loops read and write tensors in
 * place: once per memory object, with the variant that matches the memory
 * (the threaded build's is shared). `undefined` when the memory cannot be
 * found; the kernels then run their JavaScript loops.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The emscripten module of tfjs-backend-wasm (its `wasm` field). */
export interface HeapOwner {
  wasmMemory?: object;
  asm?: { memory?: object };
}

export interface HeapModuleBytes {
  plain: string;
  shared: string;
}

const instances = new WeakMap<object, Map<HeapModuleBytes, unknown>>();

export function heapModule<T>(owner: HeapOwner, bytes: HeapModuleBytes): T | undefined {
  // The threaded build imports its (shared) memory, the plain one exports it.
  const memory = owner.wasmMemory ?? owner.asm?.memory;
  if (!memory) return undefined;
  let byModule = instances.get(memory);
  if (!byModule) {
    byModule = new Map();
    instances.set(memory, byModule);
  }
  let exports = byModule.get(bytes) as T | undefined;
  if (!exports) {
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const shared = (memory as { buffer: unknown }).buffer instanceof SharedArrayBuffer;
    const binary = Buffer.from(shared ? bytes.shared : bytes.plain, 'base64');
    exports = new api.Instance(new api.Module(binary), { env: { memory } }).exports as T;
    byModule.set(bytes, exports);
  }
  return exports;
}
