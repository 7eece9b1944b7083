#!/usr/bin/env node
// Scaffolds a workspace package: node scripts/new-package.mjs <dir> <name> "<purpose>"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, purpose = ''] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: new-package.mjs <dir> <name> "<purpose>"');
  process.exit(2);
}
if (existsSync(join(dir, 'package.json'))) {
  console.error(`${dir} already has a package.json`);
  process.exit(1);
}
const pkg = {
  name,
  version: '0.1.0',
  description: purpose,
  license: 'MIT',
  type: 'module',
  exports: {
    '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  scripts: {
    build: 'node ../../scripts/clean-dist.mjs && tsc -p tsconfig.build.json',
    typecheck: 'tsc --noEmit -p tsconfig.json',
  },
  dependencies: name === '@spikedistill/core' ? {} : { '@spikedistill/core': 'workspace:^' },
  peerDependencies: { '@tensorflow/tfjs-core': 'catalog:' },
  devDependencies: { '@tensorflow/tfjs-core': 'catalog:' },
};
mkdirSync(join(dir, 'src'), { recursive: true });
writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(dir, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, customConditions: ['source'] },
      include: ['src', 'test', 'bench'],
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(dir, 'tsconfig.build.json'),
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist' },
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/**/*.test-helpers.ts', 'src/**/testing/**'],
    },
    null,
    2,
  )}\n`,
);
console.log(`created ${name} in ${dir}`);
