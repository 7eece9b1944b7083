#!/usr/bin/env node
// `pnpm bench`: builds @spikedistill/backend-wasm-train and what it depends on
// (the benchmark imports their dist), then runs its side-by-side benchmark
// against PyTorch. Arguments pass through, e.g. `pnpm bench --rounds 1 --threads 1`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!process.argv.includes('--no-build')) {
  run('npx', [
    'turbo',
    'run',
    'build',
    '--filter=@spikedistill/backend-wasm-train...',
    '--output-logs=errors-only',
  ]);
}
const args = process.argv.slice(2).filter((a) => a !== '--no-build');
run(process.execPath, [join(root, 'packages/backend-wasm-train/bench/run.mjs'), ...args]);
