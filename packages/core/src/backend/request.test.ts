import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkConfigPlugins } from '../config/check-plugins.js';
import { loadExperimentConfig, parseExperimentConfig } from '../config/load.js';
import type { Strategy } from '../contracts/strategy.js';
import { BackendUnavailableError, BadOptionsError, ConfigError } from '../errors.js';
import { definePlugin } from '../plugin.js';
import { corePackage } from '../register.js';
import { createRegistry, type Registry } from '../registry/registry.js';
import { tf } from '../tf.js';
import { backendRequest, checkBackendRef, overrideBackend } from './request.js';
import { selectBackend } from './select.js';
import { deviceAvailability, probePackage, tensorflowUsesGpu } from './tensorflow.js';

/** A backend with a `threads` option, as backend-wasm-train's `wasm` has (core cannot depend on it). */
const threaded = definePlugin({
  kind: 'backend',
  name: 'threaded',
  options: z.object({ threads: z.number().int().min(1).max(8).default(1) }),
  create: () => ({
    tfName: 'cpu',
    priority: 0,
    probe: async () => ({ available: true as const }),
    activate: async () => {},
  }),
});
const empty = (kind: string, name: string) =>
  definePlugin({ kind, name, options: z.object({}), create: () => ({}) as never });
const none = definePlugin({
  kind: 'strategy',
  name: 'none',
  options: z.object({}),
  create: (): Strategy => ({ needsTeacher: false, dispose() {} }) as unknown as Strategy,
});

function registry(): Registry {
  return createRegistry({
    packages: [
      corePackage,
      {
        name: '@test/backend-config',
        register: (r) => {
          r.register(threaded).register(none);
          for (const [kind, name] of [
            ['dataset', 'data'],
            ['backbone', 'student'],
            ['metric', 'psnr'],
            ['metric', 'ssim'],
          ])
            r.register(empty(kind!, name!));
        },
      },
    ],
  });
}

const base = { data: { name: 'data' }, student: { name: 'student' } };
const config = (backend: unknown) => parseExperimentConfig({ ...base, backend });

function configFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sd-backend-')), 'exp.yaml');
  writeFileSync(file, ['data: { name: data }', 'student: { name: student }', ...lines].join('\n'));
  return file;
}

describe('the backend as a plugin reference in the config', () => {
  it('takes a name, a { name, options } reference, or nothing (auto)', () => {
    expect(parseExperimentConfig(base).backend).toBe('auto');
    expect(config('wasm').backend).toBe('wasm');
    expect(config({ name: 'tensorflow', options: { device: 'gpu' } }).backend).toEqual({
      name: 'tensorflow',
      options: { device: 'gpu' },
    });
    // The reference itself is strict: options go under `options`.
    expect(() => config({ name: 'wasm', threads: 2 })).toThrow(ConfigError);
    expect(() => config({ name: 'wasm', threads: 2 })).toThrow(/backend/);
    expect(() => config(3)).toThrow(/backend/);
  });

  it('becomes a request: a named backend owns its options, auto holds them by backend name', () => {
    expect(backendRequest('wasm')).toEqual({ name: 'wasm', optionsByName: {} });
    expect(backendRequest({ name: 'threaded', options: { threads: 2 } })).toEqual({
      name: 'threaded',
      optionsByName: { threaded: { threads: 2 } },
    });
    expect(backendRequest({ name: 'auto', options: { wasm: { threads: 1 } } })).toEqual({
      name: 'auto',
      optionsByName: { wasm: { threads: 1 } },
    });
    expect(() => backendRequest({ name: 'auto', options: { threads: 1 } })).toThrow(
      BadOptionsError,
    );
    expect(() => backendRequest({ name: 'auto', options: { threads: 1 } })).toThrow(
      "Invalid options at backend.options.threads: 'auto' takes the options of each backend it may choose, by name",
    );
  });

  it('check validates its options strictly, with the same paths as any plugin', () => {
    const r = registry();
    expect(() =>
      checkConfigPlugins(r, config({ name: 'tensorflow', options: { device: 'gpu' } })),
    ).not.toThrow();
    expect(() =>
      checkConfigPlugins(r, config({ name: 'tensorflow', options: { device: 'tpu' } })),
    ).toThrow(
      /^Invalid options at backend\.options: backend 'tensorflow': device: .*"auto"\|"gpu"\|"cpu"/,
    );
    expect(() =>
      checkConfigPlugins(r, config({ name: 'tensorflow', options: { devcie: 'gpu' } })),
    ).toThrow(
      "Invalid options at backend.options: backend 'tensorflow': unknown option 'devcie' (did you mean 'device'?); valid options: device",
    );
    expect(() =>
      checkConfigPlugins(r, config({ name: 'threaded', options: { threads: 0 } })),
    ).toThrow(/^Invalid options at backend\.options: backend 'threaded': threads: Too small/);
    // Core's own wasm takes no threads: those come with backend-wasm-train's.
    expect(() => checkConfigPlugins(r, config({ name: 'wasm', options: { threads: 2 } }))).toThrow(
      "backend 'wasm': unknown option 'threads'",
    );
    expect(() => checkConfigPlugins(r, config('tensorflw'))).toThrow(
      "Unknown backend plugin 'tensorflw' at backend. Did you mean 'tensorflow'?",
    );
    // auto is not a plugin; its options are checked per backend.
    expect(() => checkConfigPlugins(r, config('auto'))).not.toThrow();
    expect(() =>
      checkConfigPlugins(r, config({ name: 'auto', options: { threaded: { threads: 9 } } })),
    ).toThrow(
      /^Invalid options at backend\.options\.threaded\.options: backend 'threaded': threads/,
    );
    expect(() => checkConfigPlugins(r, config({ name: 'auto', options: { wsam: {} } }))).toThrow(
      "Unknown backend plugin 'wsam' at backend.options.wsam. Did you mean 'wasm'?",
    );
    // A GPU is never probed by check: the config may be meant for another machine.
    expect(checkBackendRef(r, { name: 'tensorflow', options: { device: 'gpu' } })).toBeUndefined();
  });

  it('--set reaches the options of a backend written as a name', () => {
    const file = configFile(['backend: threaded']);
    expect(loadExperimentConfig(file, ['backend.options.threads=2']).backend).toEqual({
      name: 'threaded',
      options: { threads: 2 },
    });
    const named = configFile(['backend: { name: threaded, options: { threads: 3 } }']);
    expect(loadExperimentConfig(named, ['backend.options.threads=1']).backend).toEqual({
      name: 'threaded',
      options: { threads: 1 },
    });
    expect(loadExperimentConfig(named, ['backend=cpu']).backend).toBe('cpu');
  });

  it('--backend replaces the name, keeping the options that belong to the backend it names', () => {
    const named = { name: 'threaded', options: { threads: 3 } };
    expect(overrideBackend(named, undefined)).toBe(named);
    expect(overrideBackend(named, 'threaded')).toBe(named);
    expect(overrideBackend(named, 'cpu')).toBe('cpu');
    expect(overrideBackend(named, 'auto')).toEqual({
      name: 'auto',
      options: { threaded: { threads: 3 } },
    });
    expect(overrideBackend('wasm', 'auto')).toBe('auto');
    expect(overrideBackend(undefined, 'cpu')).toBe('cpu');

    // On the command line it applies before --set, so both combine.
    const file = configFile([]);
    const load = (set: string[], backend: string) =>
      loadExperimentConfig(file, set, undefined, { backend }).backend;
    expect(load(['backend.options.threads=2'], 'threaded')).toEqual({
      name: 'threaded',
      options: { threads: 2 },
    });
    expect(load([], 'tensorflow')).toBe('tensorflow');
    const withOptions = configFile(['backend: { name: threaded, options: { threads: 3 } }']);
    expect(loadExperimentConfig(withOptions, [], undefined, { backend: 'cpu' }).backend).toBe(
      'cpu',
    );
  });
});

describe('asking for a GPU', () => {
  it('is an error naming what to install when tfjs-node-gpu cannot run here, never a fallback', async () => {
    const gpu = await probePackage('@tensorflow/tfjs-node-gpu');
    const r = registry();
    const request = { name: 'tensorflow', options: { device: 'gpu' } } as const;
    if (gpu.available && tensorflowUsesGpu()) {
      // A CUDA machine with tfjs-node-gpu built: the request is met, on the GPU.
      expect((await selectBackend(r, request)).reason).toContain('(CUDA GPU)');
      return;
    }
    const before = tf.getBackend();
    const failure = selectBackend(r, request);
    await expect(failure).rejects.toThrow(BackendUnavailableError);
    await expect(failure).rejects.toMatchObject({ code: 'E_BACKEND_UNAVAILABLE' });
    await expect(failure).rejects.toThrow(
      /^Backend 'tensorflow' is not available: @tensorflow\/tfjs-node-gpu (is not installed|is installed but its native addon was not built|is installed but did not load|loaded, but TensorFlow found no usable CUDA GPU).*To use it: .*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0.*pnpm add --allow-build=@tensorflow\/tfjs-node-gpu @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA 11\.2 and cuDNN 8\.1/s,
    );
    // Nothing was switched to instead.
    expect(tf.getBackend()).toBe(before);
  });

  it('auto passes over it and says why', async () => {
    const gpu = await probePackage('@tensorflow/tfjs-node-gpu');
    if (gpu.available && tensorflowUsesGpu()) return; // nothing to pass over on a CUDA machine
    const r = createRegistry({ packages: [corePackage] });
    const selected = await selectBackend(r, {
      name: 'auto',
      options: { tensorflow: { device: 'gpu' } },
    });
    expect(selected.name).toBe('wasm');
    expect(selected.reason).toMatch(/skipped tensorflow: @tensorflow\/tfjs-node-gpu /);
  });

  it('tfjs-node-gpu without a CUDA device: unavailable for device gpu, a CPU run said aloud for auto', () => {
    const gpuPkg = '@tensorflow/tfjs-node-gpu';
    expect(deviceAvailability(gpuPkg, 'gpu', true)).toEqual({
      available: true,
      detail: `${gpuPkg} (CUDA GPU)`,
    });
    const missing = deviceAvailability(gpuPkg, 'gpu', false);
    expect(missing).toMatchObject({
      available: false,
      reason: `${gpuPkg} loaded, but TensorFlow found no usable CUDA GPU (it would run on the CPU)`,
    });
    expect(missing.available || missing.install).toMatch(/nvidia-smi.*LD_LIBRARY_PATH/);
    expect(deviceAvailability(gpuPkg, 'auto', undefined)).toEqual({
      available: true,
      detail: `${gpuPkg} (no usable CUDA GPU found: TensorFlow runs on the CPU)`,
    });
    expect(deviceAvailability('@tensorflow/tfjs-node', 'cpu', false)).toEqual({
      available: true,
      detail: '@tensorflow/tfjs-node (CPU)',
    });
  });

  it('reads whether the tfjs-node backend placed its ops on a GPU, without activating it', async () => {
    const before = tf.getBackend();
    const fake = (isUsingGpuDevice: boolean) => () =>
      ({ isUsingGpuDevice, dispose() {} }) as unknown as tf.KernelBackend;
    tf.registerBackend('sd-fake-gpu', fake(true), -1);
    tf.registerBackend('sd-fake-cpu', fake(false), -1);
    try {
      expect(tensorflowUsesGpu('sd-fake-gpu')).toBe(true);
      expect(tensorflowUsesGpu('sd-fake-cpu')).toBe(false);
      expect(tensorflowUsesGpu('sd-no-such-backend')).toBeUndefined();
      expect(tf.getBackend()).toBe(before);
    } finally {
      tf.removeBackend('sd-fake-gpu');
      tf.removeBackend('sd-fake-cpu');
    }
  });
});
