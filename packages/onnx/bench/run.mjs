// Side-by-side benchmark of the frozen teacher: DnCNN-17 forward on 8×48²
// (ONNX Runtime vs tfjs-wasm vs PyTorch, 1 and 2 threads) and the BSD68
// teacher evaluation wall time (ORT vs PyTorch). Each side runs in its own
// process; rounds interleave the sides so load from other processes hits
// them alike. Prints the table of medians with ratios and writes
// bench/results/latest.json. Run from the repo root with `pnpm bench`
// (builds first) or `node packages/onnx/bench/run.mjs [--rounds 3 --reps 10
// --threads 1,2 --bsd68 1 --bsdThreads 2]`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const opts = { rounds: 3, reps: 10, threads: '1,2', bsd68: 1, bsdThreads: 2 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
const threadCounts = String(opts.threads).split(',').map(Number);
const shared = join(root, '..', 'shared');
const datasets = join(shared, 'datasets');
const weights = join(shared, 'teachers', 'dncnn_sigma25.safetensors');

function findPython() {
  for (const py of ['python3', '/usr/bin/python3', 'python']) {
    try {
      const v = execFileSync(py, ['-c', 'import torch; print(torch.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return { py, version: v.trim() };
    } catch {}
  }
  return undefined;
}

function runJson(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: here, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const loadBefore = loadavg()[0];
const torch = findPython();
if (!torch) {
  console.log('PyTorch not found (tried python3, /usr/bin/python3): the PyTorch side is skipped.');
  console.log(
    'Install it to compare, e.g. `apt-get install python3-torch` (never a dependency).\n',
  );
}
const reps = ['--reps', String(opts.reps)];

const forward = { onnx: {}, tfjs: {}, pytorch: {} };
for (const t of threadCounts) for (const e of Object.keys(forward)) forward[e][t] = [];
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const t of threadCounts) {
    process.stderr.write(`forward round ${round + 1}/${opts.rounds}, ${t} thread(s): ort`);
    const th = ['--threads', String(t)];
    forward.onnx[t].push(
      runJson(process.execPath, ['forward.mjs', '--engine', 'onnx', ...th, ...reps]),
    );
    process.stderr.write(', tfjs-wasm');
    forward.tfjs[t].push(
      runJson(process.execPath, ['forward.mjs', '--engine', 'tfjs', ...th, ...reps]),
    );
    if (torch) {
      process.stderr.write(', pytorch');
      forward.pytorch[t].push(
        runJson(torch.py, ['torch_bench.py', '--mode', 'forward', ...th, ...reps]),
      );
    }
    process.stderr.write('\n');
  }
}

const bsd = { onnx: [], pytorch: [] };
const haveData = existsSync(join(datasets, 'BSD68')) && existsSync(weights);
if (Number(opts.bsd68) > 0 && !haveData) {
  console.log(
    `BSD68 or the teacher weights not found under ${shared}: the BSD68 row is skipped.\n`,
  );
}
for (let round = 0; round < (haveData ? Number(opts.bsd68) : 0); round++) {
  const a = ['--threads', String(opts.bsdThreads), '--root', datasets, '--weights', weights];
  process.stderr.write(`BSD68 round ${round + 1}/${opts.bsd68}: ort`);
  bsd.onnx.push(runJson(process.execPath, ['bsd68.mjs', ...a]));
  if (torch) {
    process.stderr.write(', pytorch');
    bsd.pytorch.push(runJson(torch.py, ['torch_bench.py', '--mode', 'bsd68', ...a]));
  }
  process.stderr.write('\n');
}

const fmt = (v, d = 0) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d));
const med = (runs, pick) => {
  const all = runs.flatMap(pick);
  return all.length ? median(all) : undefined;
};
const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);

const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cpus: availableParallelism(), node: process.version },
  loadAverage: { before: loadBefore },
  pytorch: torch?.version ?? null,
  options: opts,
  forward: [],
  bsd68: null,
};
const lines = [];
lines.push(
  'Teacher forward, DnCNN-17 (64 ch, BN, eval), batch 8×48²×1: median ms (lower is better)',
);
lines.push('');
lines.push(
  '| threads | ORT (frozen model) | ORT session.run | tfjs-wasm | PyTorch | ORT / PyTorch | tfjs-wasm / PyTorch | CPU ms ORT | CPU ms PyTorch | CPU ratio | goal ≤ 1.0× |',
);
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const t of threadCounts) {
  const o = med(forward.onnx[t], (r) => r.forward.ms);
  const run = med(forward.onnx[t], (r) => r.runOnly.ms);
  const w = med(forward.tfjs[t], (r) => r.forward.ms);
  const p = med(forward.pytorch[t], (r) => r.forward.ms);
  const co = med(forward.onnx[t], (r) => r.forward.cpuMs);
  const cp = med(forward.pytorch[t], (r) => r.forward.cpuMs);
  const row = {
    threads: t,
    ortMs: o,
    ortRunMs: run,
    tfjsMs: w,
    torchMs: p,
    ortRatio: ratio(o, p),
    tfjsRatio: ratio(w, p),
    ortCpuMs: co,
    torchCpuMs: cp,
    cpuRatio: ratio(co, cp),
  };
  report.forward.push(row);
  const met = row.ortRatio === undefined ? '—' : row.ortRatio <= 1 ? 'met' : 'missed';
  lines.push(
    `| ${t} | ${fmt(o)} | ${fmt(run)} | ${fmt(w)} | ${fmt(p)} | ${fmt(row.ortRatio, 2)} | ${fmt(row.tfjsRatio, 2)} | ${fmt(co)} | ${fmt(cp)} | ${fmt(row.cpuRatio, 2)} | ${met} |`,
  );
}
if (bsd.onnx.length) {
  const o = median(bsd.onnx.map((r) => r.seconds));
  const p = bsd.pytorch.length ? median(bsd.pytorch.map((r) => r.seconds)) : undefined;
  const co = median(bsd.onnx.map((r) => r.cpuSeconds));
  const cp = bsd.pytorch.length ? median(bsd.pytorch.map((r) => r.cpuSeconds)) : undefined;
  report.bsd68 = {
    threads: Number(opts.bsdThreads),
    ortSeconds: o,
    torchSeconds: p,
    ratio: ratio(o, p),
    ortCpuSeconds: co,
    torchCpuSeconds: cp,
    cpuRatio: ratio(co, cp),
    ortPsnr: bsd.onnx[0].psnr,
    torchPsnr: bsd.pytorch[0]?.psnr,
  };
  const b = report.bsd68;
  lines.push('');
  lines.push(
    `BSD68 teacher evaluation (68 images, full size, decode + noise + forward + PSNR), ${opts.bsdThreads} threads: seconds`,
  );
  lines.push('');
  lines.push(
    '| ORT | PyTorch | ratio | CPU s ORT | CPU s PyTorch | CPU ratio | PSNR ORT | PSNR PyTorch | goal ≤ 1.2× |',
  );
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  const met = b.ratio === undefined ? '—' : b.ratio <= 1.2 ? 'met' : 'missed';
  lines.push(
    `| ${fmt(o, 1)} | ${fmt(p, 1)} | ${fmt(b.ratio, 2)} | ${fmt(co, 1)} | ${fmt(cp, 1)} | ${fmt(b.cpuRatio, 2)} | ${fmt(b.ortPsnr, 2)} | ${fmt(b.torchPsnr, 2)} | ${met} |`,
  );
}
report.loadAverage.after = loadavg()[0];
lines.push('');
lines.push(
  `Load average (1 min) before/after: ${report.loadAverage.before.toFixed(1)}/${report.loadAverage.after.toFixed(1)} on ${availableParallelism()} CPUs. PyTorch ${torch?.version ?? 'not found'}.`,
);
const text = lines.join('\n');
console.log(text);
report.table = text;
report.raw = { forward, bsd68: bsd };
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log('\nwritten: packages/onnx/bench/results/latest.json');
