import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cpuBackend } from '../backend/cpu.js';
import { selectBackend } from '../backend/select.js';
import type { Context } from '../plugin.js';
import { definePlugin } from '../plugin.js';
import type { Rng } from '../rng.js';
import { PathToken, RngToken } from '../tokens.js';
import { createRegistry } from './registry.js';

/** A plugin that hands back the context it was created with. */
const probe = definePlugin({
  kind: 'x',
  name: 'probe',
  options: z.object({}),
  create: (_o, ctx): Context => ctx,
});

const Clock = Symbol('test:clock');

describe('services reach plugins through the container', () => {
  it('each create runs in its own child container with its path and random stream', () => {
    const registry = createRegistry({ seed: 5 }).register(probe);
    const a = registry.create('x', 'probe', {}, 'student.options.neuron') as Context;
    expect(a.container.resolve(PathToken)).toBe('student.options.neuron');
    expect(a.container.resolve<Rng>(RngToken)).toBe(a.rng);
    expect(a.rng.seed).not.toBe(registry.rng.seed);
    // The registry's own container keeps the registry's stream.
    expect(registry.container.resolve<Rng>(RngToken)).toBe(registry.rng);
    const b = registry.create('x', 'probe', {}, 'teacher') as Context;
    expect(b.container).not.toBe(a.container);
    expect(b.container.resolve(PathToken)).toBe('teacher');
  });

  it('a service an application registers on a registry is seen by plugins of it and of its children', () => {
    const registry = createRegistry().register(probe);
    registry.container.register(Clock, { useValue: () => 42 });
    const ctx = registry.create('x', 'probe') as Context;
    expect(ctx.container.resolve<() => number>(Clock)()).toBe(42);
    const child = registry.child();
    child.container.register(Clock, { useValue: () => 7 });
    expect((child.create('x', 'probe') as Context).container.resolve<() => number>(Clock)()).toBe(
      7,
    );
    expect(
      (registry.create('x', 'probe') as Context).container.resolve<() => number>(Clock)(),
    ).toBe(42);
    expect(
      (createRegistry().register(probe).create('x', 'probe') as Context).container.isRegistered(
        Clock,
        true,
      ),
    ).toBe(false);
  });

  it('ctx.logger writes log events; ctx.backend is what selectBackend activated', async () => {
    const registry = createRegistry().register(probe).register(cpuBackend);
    const logs: string[] = [];
    registry.events.on('log', (e) => logs.push(`${e.level}: ${e.message}`));
    const before = registry.create('x', 'probe') as Context;
    before.logger.warn('careful');
    expect(logs).toEqual(['warn: careful']);
    expect(before.backend).toBeUndefined();
    await selectBackend(registry, 'cpu');
    expect(before.backend?.name).toBe('cpu');
    expect((registry.child().create('x', 'probe') as Context).backend?.name).toBe('cpu');
    expect(
      (createRegistry().register(probe).create('x', 'probe') as Context).backend,
    ).toBeUndefined();
  });
});
