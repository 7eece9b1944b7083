#!/usr/bin/env node
// `pnpm bench`: builds the benchmarked packages and what they depend on (the
// benchmarks import their dist), then runs each side-by-side benchmark
// against PyTorch: @spikedistill/backend-wasm-train's training steps (a hint
// step among them) and conv passes, and @spikedistill/onnx's frozen teacher;
// and the hint step's teacher placements (in the tape, frozen, ONNX
// Runtime). Arguments pass through,
// e.g. `pnpm bench --rounds 1 --threads 1`; `--suite wasm|onnx|hint` runs one.
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

const suites = {
  wasm: {
    // its hint-distillation row runs the teacher through @spikedistill/onnx
    pkgs: ['@spikedistill/backend-wasm-train', '@spikedistill/onnx'],
    script: 'packages/backend-wasm-train/bench/run.mjs',
  },
  onnx: { pkgs: ['@spikedistill/onnx'], script: 'packages/onnx/bench/run.mjs' },
  // The hint step with the DnCNN-17 teacher in the tape, frozen, and on ONNX Runtime.
  hint: { pkgs: ['@spikedistill/cli'], script: 'packages/cli/bench/hint-step.mjs' },
};
let args = process.argv.slice(2).filter((a) => a !== '--no-build');
const at = args.indexOf('--suite');
const chosen = at >= 0 ? [args[at + 1]] : Object.keys(suites);
if (at >= 0) args = args.filter((_, i) => i !== at && i !== at + 1);

if (!process.argv.includes('--no-build')) {
  const filters = chosen.flatMap((s) => suites[s].pkgs.map((p) => `--filter=${p}...`));
  run('npx', ['turbo', 'run', 'build', ...filters, '--output-logs=errors-only']);
}
for (const s of chosen) run(process.execPath, [join(root, suites[s].script), ...args]);
