#!/usr/bin/env node
// Bundles src/tfjs-registrations.ts (tfjs-core's own lists of gradients and
// chained tensor methods) into one CommonJS file that plain Node can load:
// tfjs-core ships those lists only as ESM sources with extensionless imports.
// The bundle carries a copy of the tfjs-core code they use, but tfjs keeps its
// engine and its kernel and gradient registries on the global object, so they
// register into the one engine every backend uses (as @tensorflow/tfjs's own
// Node bundle does), without that package's layers, converter, data and webgl.
//
//   node scripts/bundle-tfjs.mjs            → dist/tfjs-registrations.cjs (run by `build`,
//                                             after tsc, whose .d.ts of the entry carries the
//                                             chained ops' types; its .js is replaced by this)
//   bundleTfjsRegistrations(outfile)        → from vitest.config.ts, for the workspace
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const entry = fileURLToPath(new URL('../src/tfjs-registrations.ts', import.meta.url));

export function bundleTfjsRegistrations(outfile) {
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // tfjs's Apache-2.0 notices stay with the code.
    legalComments: 'eof',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
  bundleTfjsRegistrations(dist('tfjs-registrations.cjs'));
  for (const file of ['tfjs-registrations.js', 'tfjs-registrations.js.map']) {
    rmSync(dist(file), { force: true });
  }
}
