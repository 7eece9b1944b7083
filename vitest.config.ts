import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One config, every workspace package a project. The `source` export
// condition resolves workspace packages to their TypeScript sources, so the
// tests need no build. `extends: true` makes each project inherit it.
const conditions = ['source', 'import', 'node', 'default'];

const dirs = ['packages', 'examples']
  .flatMap((parent) =>
    existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name)) : [],
  )
  .concat(['test'])
  .filter((dir) => existsSync(join(dir, 'package.json')));

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: dirs.map((dir) => ({
      extends: true,
      test: {
        name: dir === 'test' ? 'e2e' : dir.split('/').pop()!,
        root: dir,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
      },
    })),
  },
});
