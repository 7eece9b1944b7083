import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { BadOptionsError, ConfigError, tf } from '@spikedistill/core';
import { z } from 'zod';

/**
 * Threads for the wasm backend: tfjs-backend-wasm ships a threaded SIMD build
 * (XNNPACK on a pthread pool) that Node never selects. The workspace applies
 * patches/@tensorflow__tfjs-backend-wasm@4.22.0.patch, which makes that build
 * start in Node; with it, convolutions run ~2× faster on 2 cores (see README).
 */

/** The pthread pool of the build has 8 workers; backend.cc caps the pool there too. */
export const maxThreads = 8;

/** Option schema for a backend plugin: a thread count, or 'auto' (one per CPU). */
export const threadsOption = z
  .union([z.literal('auto'), z.number().int().min(1).max(maxThreads)])
  .default('auto')
  .describe("threads for the wasm backend's convolutions and matmuls ('auto': one per CPU, ≤ 8)");

export type ThreadsSetting = z.input<typeof threadsOption>;

const require = createRequire(import.meta.url);

interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** Whether the threaded build can start in Node here, i.e. the workspace's patch is applied. */
export function threadedBuildAvailable(): boolean {
  try {
    const main = require.resolve('@tensorflow/tfjs-backend-wasm');
    return existsSync(
      join(dirname(main), '..', 'wasm-out', 'tfjs-backend-wasm-threaded-simd.node-worker.js'),
    );
  } catch {
    return false;
  }
}

function initialisedWasm(): boolean {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  return registry.wasm != null;
}

/**
 * Chooses how many threads the wasm backend runs. Must run before it
 * initialises (the first `tf.setBackend('wasm')`); afterwards only the count it
 * already has is accepted. Returns the count that will be used: 1 when the
 * threaded build is unavailable (package installed without the workspace's
 * patch), whatever was asked.
 */
export async function configureThreads(setting: ThreadsSetting = 'auto'): Promise<number> {
  const parsed = threadsOption.safeParse(setting);
  if (!parsed.success) {
    throw new BadOptionsError(
      'backend.wasm.threads',
      `expected 'auto' or an integer from 1 to ${maxThreads}, got ${JSON.stringify(setting)}`,
    );
  }
  const asked = parsed.data === 'auto' ? Math.min(availableParallelism(), maxThreads) : parsed.data;
  const threads = asked > 1 && !threadedBuildAvailable() ? 1 : asked;
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
  if (initialisedWasm()) {
    const current = wasm.getThreadsCount();
    if (current !== threads) {
      throw new ConfigError(
        `The wasm backend already runs with ${current} thread(s); ${threads} must be chosen before ` +
          `it initialises (call configureThreads before the first tf.setBackend('wasm')).`,
      );
    }
    return threads;
  }
  // The flag exists once the wasm package is imported; Node's default says "no threads".
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  wasm.setThreadsCount(threads);
  return threads;
}

/** Threads the initialised wasm backend runs, or undefined before it initialises. */
export async function wasmThreads(): Promise<number | undefined> {
  if (!initialisedWasm()) return undefined;
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
  return wasm.getThreadsCount();
}
