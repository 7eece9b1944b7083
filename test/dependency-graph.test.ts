import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The package graph stays acyclic (DESIGN.md: nothing depends on cli, layers
 * sit below the packages that use them) and the diagram in the root README is
 * the graph the manifests declare, not a picture that drifted.
 */
const root = resolve(import.meta.dirname, '..');
const scope = '@spikedistill/';

const manifests = readdirSync(join(root, 'packages')).map(
  (dir) =>
    JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    },
);
const short = (name: string) => name.slice(scope.length);
const graph = new Map(
  manifests.map((m) => [
    short(m.name),
    Object.keys(m.dependencies ?? {})
      .filter((d) => d.startsWith(scope))
      .map(short),
  ]),
);

describe('package dependency graph', () => {
  it('has no cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'visiting') {
        throw new Error(`dependency cycle: ${[...path, name].join(' → ')}`);
      }
      state.set(name, 'visiting');
      for (const dep of graph.get(name) ?? []) visit(dep, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of graph.keys()) visit(name, []);
    expect(state.size).toBe(graph.size);
  });

  it('is drawn in the root README (every edge but the ones to core)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const drawn = [...diagram.matchAll(/^\s*([\w-]+) --> ([\w-]+)\s*$/gm)]
      .map(([, from, to]) => `${from} → ${to}`)
      .sort();
    const declared = [...graph]
      .flatMap(([from, deps]) => deps.filter((d) => d !== 'core').map((to) => `${from} → ${to}`))
      .sort();
    expect(drawn).toEqual(declared);
  });
});
