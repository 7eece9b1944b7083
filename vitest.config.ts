import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { bundleTfjsRegistrations } from './packages/core/scripts/bundle-tfjs.mjs';

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

// Core's tfjs gradients and chained ops (packages/core/src/tfjs-registrations.ts)
// load in the workspace from the same esbuild bundle the published package
// ships, made again when tfjs-core, the entry or the script change: plain
// Node cannot load their ESM sources, and compiling hundreds of tfjs files per
// test file is slow.
const bundleInputs = [
  createRequire(resolve('packages/core/package.json')).resolve(
    '@tensorflow/tfjs-core/package.json',
  ),
  'packages/core/src/tfjs-registrations.ts',
  'packages/core/scripts/bundle-tfjs.mjs',
];
const bundleKey = createHash('sha256')
  .update(bundleInputs.map((file) => readFileSync(file, 'utf8')).join('\0'))
  .digest('hex')
  .slice(0, 16);
const tfjsRegistrations = resolve(
  `node_modules/.cache/spikedistill/tfjs-registrations-${bundleKey}.cjs`,
);
if (!existsSync(tfjsRegistrations)) bundleTfjsRegistrations(tfjsRegistrations);

export default defineConfig({
  resolve: { conditions, alias: { '#tfjs-registrations': tfjsRegistrations } },
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
