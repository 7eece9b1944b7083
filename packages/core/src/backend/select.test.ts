import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BackendUnavailableError } from '../errors.js';
import { definePlugin } from '../plugin.js';
import { corePackage } from '../register.js';
import { createRegistry } from '../registry/registry.js';
import { tf } from '../tf.js';
import type { Backend } from './backend.js';
import { selectBackend } from './select.js';
import { probePackage } from './tensorflow.js';

/** A backend that claims top priority but is never available, like tfjs-node-gpu on a CPU box. */
const phantom = definePlugin({
  kind: 'backend',
  name: 'phantom',
  options: z.object({}),
  create: (): Backend => ({
    tfName: 'phantom',
    priority: 1000,
    probe: async () => ({
      available: false,
      reason: 'phantom-lib is not installed',
      install: 'pnpm add phantom-lib',
    }),
    activate: async () => {
      throw new Error('must not be activated');
    },
  }),
});

describe('backend selection', () => {
  it('auto skips unavailable backends, says why, and falls back to wasm', async () => {
    const registry = createRegistry({ packages: [corePackage] }).register(phantom);
    const logs: string[] = [];
    registry.events.on('log', (e) => logs.push(e.message));
    const selected = await selectBackend(registry, 'auto');
    expect(selected.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selected.reason).toContain('phantom: phantom-lib is not installed');
    expect(selected.reason).toMatch(
      /tensorflow: @tensorflow\/tfjs-node(-gpu)? is (not installed|installed but its native addon was not built|installed but did not load)/,
    );
    expect(logs.join('\n')).toMatch(/^backend: wasm \(auto: best available/);
  });

  it('an explicit request for an unavailable backend says how to install it', async () => {
    const registry = createRegistry({ packages: [corePackage] }).register(phantom);
    await expect(selectBackend(registry, 'phantom')).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend(registry, 'phantom')).rejects.toThrow(
      "Backend 'phantom' is not available: phantom-lib is not installed. To use it: pnpm add phantom-lib",
    );
    await expect(selectBackend(registry, 'tensorflow')).rejects.toThrow(
      /pnpm add --allow-build=@tensorflow\/tfjs-node @tensorflow\/tfjs-node@4\.22\.0/,
    );
  });

  it('an unknown backend name lists the registered ones', async () => {
    const registry = createRegistry({ packages: [corePackage] });
    await expect(selectBackend(registry, 'wsam')).rejects.toThrow(
      "Unknown backend plugin 'wsam' at backend. Did you mean 'wasm'? Registered backend plugins: cpu, tensorflow, wasm.",
    );
  });

  it('activates cpu and wasm on request', async () => {
    const registry = createRegistry({ packages: [corePackage] });
    await selectBackend(registry, 'cpu');
    expect(tf.getBackend()).toBe('cpu');
    await selectBackend(registry, 'wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('tells a missing package from one whose native addon did not load', async () => {
    const missing = await probePackage('@spikedistill/no-such-package');
    expect(missing).toMatchObject({
      available: false,
      reason: '@spikedistill/no-such-package is not installed',
    });
  });

  it('tells an unbuilt native addon from a broken one without importing or touching console.warn', async () => {
    // A package laid out as tfjs-node is: node-pre-gyp's `binary` field names its addon.
    const root = mkdtempSync(join(tmpdir(), 'sd-probe-'));
    const dir = join(root, 'node_modules', 'fake-tfjs-node');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'fake-tfjs-node',
        main: 'index.js',
        binary: {
          module_name: 'tfjs_binding',
          module_path: './lib/napi-v{napi_build_version}',
          napi_versions: [8],
        },
      }),
    );
    // Importing it would fail loudly: the probe must not get that far without an addon.
    writeFileSync(join(dir, 'index.js'), "throw new Error('loaded without its addon');");
    const from = join(root, 'consumer.js');
    const warn = console.warn;
    expect(await probePackage('fake-tfjs-node', from)).toMatchObject({
      available: false,
      reason:
        'fake-tfjs-node is installed but its native addon was not built (its install script did not run)',
    });
    expect(console.warn).toBe(warn);
    mkdirSync(join(dir, 'lib', 'napi-v8'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
    expect(await probePackage('fake-tfjs-node', from)).toMatchObject({
      available: false,
      reason: 'fake-tfjs-node is installed but did not load (loaded without its addon)',
    });
    expect(console.warn).toBe(warn);
  });

  it('uses one tfjs-core engine for the gradients it registers', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, v)))(x);
    expect([...g.dataSync()]).toEqual([2, 4, 6]);
    tf.dispose([x, g]);
  });
});
