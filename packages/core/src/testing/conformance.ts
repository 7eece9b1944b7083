import { describe, expect, it } from 'vitest';
import { BadOptionsError } from '../errors.js';
import type { Kind, Plugin } from '../plugin.js';
import type { Registry } from '../registry/registry.js';

/** A kind-specific check, run once per registered plugin of the kind. */
export interface ConformanceCheck {
  name: string;
  run(args: {
    registry: Registry;
    plugin: Plugin;
    instance: unknown;
    options: Record<string, unknown>;
  }): void | Promise<void>;
}

export interface ConformanceOptions {
  /** Options to create with, for plugins whose options have required fields. */
  options?: Record<string, Record<string, unknown>>;
  /** Plugins to leave out (with the reason in a comment at the call site). */
  skip?: readonly string[];
  checks?: readonly ConformanceCheck[];
  /** Runs before every test (e.g. to activate a backend). */
  setup?: () => void | Promise<void>;
}

/**
 * Generates tests for every plugin of `kind` in the registry (as timm tests
 * every model): create with default options, describe its options, reject
 * unknown option keys, then each kind-specific check. A plugin added later is
 * covered without touching the tests.
 */
export function conformance(
  makeRegistry: () => Registry,
  kind: Kind,
  options: ConformanceOptions = {},
): void {
  const registry = makeRegistry();
  const names = registry.list(kind).filter((n) => !options.skip?.includes(n));
  describe(`${kind} plugins (conformance)`, () => {
    it(`registers at least one ${kind}`, () => {
      expect(names.length).toBeGreaterThan(0);
    });
    for (const name of names) {
      describe(`${kind}/${name}`, () => {
        const pluginOptions = options.options?.[name] ?? {};
        if (options.setup) it('sets up', options.setup);

        it('creates with default options', () => {
          const instance = registry.create(kind, name, pluginOptions);
          expect(instance).toBeDefined();
        });

        it('describes its options (JSON schema, defaults)', () => {
          const d = registry.describe(kind, name);
          expect(d.name).toBe(name);
          expect(d.schema).toBeTypeOf('object');
        });

        it('rejects unknown option keys with E_BAD_OPTIONS', () => {
          const bad = { ...pluginOptions, definitelyNotAnOption: 1 };
          expect(() => registry.create(kind, name, bad)).toThrow(BadOptionsError);
        });

        for (const check of options.checks ?? []) {
          it(check.name, async () => {
            if (options.setup) await options.setup();
            const plugin = registry.get(kind, name);
            const instance = registry.create(kind, name, pluginOptions);
            await check.run({ registry, plugin, instance, options: pluginOptions });
          });
        }
      });
    }
  });
}
