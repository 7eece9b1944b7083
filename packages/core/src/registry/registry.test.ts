import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BadOptionsError,
  DuplicatePluginError,
  PluginCreateError,
  SpikedistillError,
  UnknownPluginError,
} from '../errors.js';
import { definePlugin } from '../plugin.js';
import { createRegistry } from './registry.js';

const lif = definePlugin({
  kind: 'neuron',
  name: 'lif',
  description: 'test neuron',
  options: z.object({
    tau: z.number().gt(1).default(2),
    threshold: z.number().positive().default(1),
  }),
  create: (o) => ({ ...o }),
});
const plif = definePlugin({ ...lif, name: 'plif' });
const broken = definePlugin({
  kind: 'neuron',
  name: 'broken',
  options: z.object({}),
  create: () => {
    throw new Error('out of membranes');
  },
});

const pkg = {
  name: '@test/neurons',
  register: (r: ReturnType<typeof createRegistry>) =>
    r.register(lif).register(plif).register(broken),
};

describe('Registry', () => {
  it('creates a plugin with schema defaults filled in', () => {
    const r = createRegistry({ packages: [pkg] });
    expect(r.create('neuron', 'lif')).toEqual({ tau: 2, threshold: 1 });
    expect(r.create('neuron', 'lif', { tau: 4 })).toEqual({ tau: 4, threshold: 1 });
    expect(r.list('neuron')).toEqual(['broken', 'lif', 'plif']);
    expect(r.kinds()).toEqual(['neuron']);
  });

  it('names the closest match and every known name for an unknown plugin', () => {
    const r = createRegistry({ packages: [pkg] });
    const err = (() => {
      try {
        r.create('neuron', 'lfi', {}, 'student.options.neuron');
      } catch (e) {
        return e;
      }
    })() as UnknownPluginError;
    expect(err).toBeInstanceOf(UnknownPluginError);
    expect(err.code).toBe('E_UNKNOWN_PLUGIN');
    expect(err.message).toContain("Did you mean 'lif'?");
    expect(err.message).toContain('broken, lif, plif');
    expect(err.message).toContain('student.options.neuron');
  });

  it('gives no suggestion when nothing is close, and says when a kind is empty', () => {
    const r = createRegistry({ packages: [pkg] });
    expect(() => r.create('neuron', 'hodgkin-huxley')).toThrow(/^(?!.*Did you mean)/);
    expect(() => r.create('loss', 'l1')).toThrow(/\(none registered\)/);
  });

  it('refuses a duplicate name and says who registered it first', () => {
    const r = createRegistry({ packages: [pkg] });
    expect(() => r.use({ name: '@other/pkg', register: (x) => x.register(lif) })).toThrow(
      DuplicatePluginError,
    );
    expect(() => r.use({ name: '@other/pkg', register: (x) => x.register(lif) })).toThrow(
      /already registered by @test\/neurons; @other\/pkg tried/,
    );
  });

  it('replaces a plugin when override is explicit', () => {
    const r = createRegistry({ packages: [pkg] });
    const lif2 = definePlugin({ ...lif, create: () => 'replaced' });
    r.register(lif2, { override: true });
    expect(r.create('neuron', 'lif')).toBe('replaced');
  });

  it('reports invalid options with the config path and the expectation', () => {
    const r = createRegistry({ packages: [pkg] });
    expect(() => r.create('neuron', 'lif', { tau: 0.5 }, 'student.options.neuron')).toThrow(
      BadOptionsError,
    );
    expect(() => r.create('neuron', 'lif', { tau: 0.5 }, 'student.options.neuron')).toThrow(
      /student\.options\.neuron\.options: neuron 'lif': tau: Too small: expected number to be >1/,
    );
    expect(() => r.create('neuron', 'lif', { tau: 'two' })).toThrow(/tau: .*expected number/i);
  });

  it('rejects option keys the plugin does not know (typos are not ignored)', () => {
    const r = createRegistry({ packages: [pkg] });
    expect(() => r.create('neuron', 'lif', { tua: 3 })).toThrow(
      "unknown option 'tua' (did you mean 'tau'?); valid options: tau, threshold",
    );
  });

  it('wraps a throwing create() with kind, name and path', () => {
    const r = createRegistry({ packages: [pkg] });
    const attempt = () => r.create('neuron', 'broken', {}, 'student.neuron');
    expect(attempt).toThrow(PluginCreateError);
    expect(attempt).toThrow(
      "Creating neuron plugin 'broken' (at student.neuron) failed: out of membranes",
    );
  });

  it('refuses objects that do not follow the plugin contract', () => {
    const r = createRegistry();
    expect(() =>
      r.register({ kind: 'loss', name: 'bad name!', options: {}, create: 1 } as never),
    ).toThrow(
      /does not follow the plugin contract: `name` must .*`options` must be a zod schema; `create` must be a function/,
    );
  });

  it('isolates registries and lets a child inherit and shadow', () => {
    const a = createRegistry({ packages: [pkg] });
    const b = createRegistry();
    expect(b.has('neuron', 'lif')).toBe(false);
    const child = a.child();
    expect(child.create('neuron', 'lif')).toEqual({ tau: 2, threshold: 1 });
    child.register(definePlugin({ ...lif, create: () => 'child' }), { override: true });
    expect(child.create('neuron', 'lif')).toBe('child');
    expect(a.create('neuron', 'lif')).toEqual({ tau: 2, threshold: 1 });
    expect(() => child.register(plif)).toThrow(DuplicatePluginError);
  });

  it('describes options as JSON schema with defaults', () => {
    const r = createRegistry({ packages: [pkg] });
    const d = r.describe('neuron', 'lif');
    expect(d.defaults).toEqual({ tau: 2, threshold: 1 });
    expect(d.source).toBe('@test/neurons');
    expect((d.schema as any).properties.tau.default).toBe(2);
  });

  it('gives each plugin a random stream determined by seed and config path', () => {
    const draw = definePlugin({
      kind: 'x',
      name: 'draw',
      options: z.object({}),
      create: (_o, ctx) => ctx.rng.uniform(),
    });
    const r1 = createRegistry({ seed: 7 }).register(draw);
    const r2 = createRegistry({ seed: 7 }).register(draw);
    expect(r1.create('x', 'draw', {}, 'a')).toBe(r2.create('x', 'draw', {}, 'a'));
    expect(r1.create('x', 'draw', {}, 'a')).not.toBe(r1.create('x', 'draw', {}, 'b'));
  });

  it('errors are SpikedistillErrors with codes', () => {
    const r = createRegistry();
    try {
      r.get('neuron', 'x');
    } catch (e) {
      expect(e).toBeInstanceOf(SpikedistillError);
      expect((e as SpikedistillError).code).toBe('E_UNKNOWN_PLUGIN');
    }
    expect.assertions(2);
  });
});
