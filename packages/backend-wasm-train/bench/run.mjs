// Side-by-side benchmark: tfjs on wasm with this package's kernels vs the same
// nets in PyTorch, at 1 and 2 threads. Each side runs in its own process per
// thread count; rounds interleave the sides so load from other processes hits
// both alike. Prints a table of medians with ratios and writes
// bench/results/latest.json. Run from the repo root with `pnpm bench`
// (builds first), or `node packages/backend-wasm-train/bench/run.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convCases, median } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = { rounds: 2, reps: 7, convReps: 9, threads: '1,2' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
const threadCounts = String(opts.threads).split(',').map(Number);
const childArgs = (t) => [
  '--threads',
  String(t),
  '--reps',
  String(opts.reps),
  '--convReps',
  String(opts.convReps),
];

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
  const line = r.stdout.trim().split('\n').at(-1);
  return JSON.parse(line);
}

// Other processes share the CPU; the 1-minute load average says how much.
const loadBefore = loadavg()[0];
const torch = findPython();
if (!torch) {
  console.log('PyTorch not found (tried python3, /usr/bin/python3): the PyTorch side is skipped.');
  console.log(
    'Install it to compare, e.g. `apt-get install python3-torch` (never a dependency).\n',
  );
}

// samples[engine][threads] = list of per-process results
const samples = {
  tfjs: Object.fromEntries(threadCounts.map((t) => [t, []])),
  torch: Object.fromEntries(threadCounts.map((t) => [t, []])),
};
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const t of threadCounts) {
    process.stderr.write(`round ${round + 1}/${opts.rounds}, ${t} thread(s): tfjs-wasm`);
    samples.tfjs[t].push(runJson(process.execPath, ['tfjs-bench.mjs', ...childArgs(t)]));
    if (torch) {
      process.stderr.write(', pytorch');
      const args = ['torch_bench.py', ...childArgs(t), '--convCases', JSON.stringify(convCases)];
      samples.torch[t].push(runJson(torch.py, args));
    }
    process.stderr.write('\n');
  }
}

/** Median over every step of every round (`key`: 'ms' wall clock, 'cpuMs' CPU time). */
function stepMedian(results, net, key = 'ms') {
  const all = results.flatMap((r) => r.steps[net]?.[key] ?? []);
  return all.length ? median(all) : undefined;
}
function convMedian(results, name, pass, key = 'median') {
  const all = results
    .map((r) => r.conv.find((c) => c.name === name)?.passes[pass]?.[key])
    .filter((v) => v !== undefined);
  return all.length ? median(all) : undefined;
}

const fmt = (v, d = 0) => (v === undefined ? '—' : v.toFixed(d));
const nets = ['dncnn6', 'sunet-t4', 'sunet-t4-unfused'];
const netLabel = {
  dncnn6: 'DnCNN-6 (32 ch, batch 8, 64², MSE, Adam)',
  'sunet-t4': 'spiking U-Net T=4 (16/32 ch, fused LIF, batch 8, 64², L1, Adam)',
  'sunet-t4-unfused': 'same, LIF as plain tf ops (PyTorch column: its usual loop)',
};

const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cpus: availableParallelism(), node: process.version },
  loadAverage: { before: loadBefore },
  pytorch: torch?.version ?? null,
  options: opts,
  steps: [],
  conv: [],
};

const lines = [];
lines.push('Training step, median ms (lower is better)');
lines.push('');
lines.push(
  '| net | threads | tfjs-wasm | PyTorch | ratio | CPU ms tfjs-wasm | CPU ms PyTorch | CPU ratio |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const net of nets) {
  for (const t of threadCounts) {
    const other = net.replace('-unfused', '');
    const a = stepMedian(samples.tfjs[t], net);
    const b = torch ? stepMedian(samples.torch[t], other) : undefined;
    const ca = stepMedian(samples.tfjs[t], net, 'cpuMs');
    const cb = torch ? stepMedian(samples.torch[t], other, 'cpuMs') : undefined;
    const ratio = a !== undefined && b !== undefined ? a / b : undefined;
    const cpuRatio = ca !== undefined && cb !== undefined ? ca / cb : undefined;
    report.steps.push({
      net,
      threads: t,
      tfjsMs: a,
      torchMs: b,
      ratio,
      tfjsCpuMs: ca,
      torchCpuMs: cb,
      cpuRatio,
    });
    lines.push(
      `| ${netLabel[net]} | ${t} | ${fmt(a)} | ${fmt(b)} | ${fmt(ratio, 2)} | ${fmt(ca)} | ${fmt(cb)} | ${fmt(cpuRatio, 2)} |`,
    );
  }
}
lines.push('');
lines.push(
  'CPU ms: CPU time of the process over the step (all its threads). With other processes on the',
);
lines.push('machine it is steadier than wall time; at 1 thread it is the compute the step needs.');
lines.push('');
lines.push('Conv passes (3×3, same), median GFLOP/s (higher is better)');
lines.push('');
lines.push(
  '| layer | threads | pass | tfjs-wasm | PyTorch | ratio (time) | tfjs-wasm by CPU time | PyTorch by CPU time |',
);
lines.push('|---|---:|---|---:|---:|---:|---:|---:|');
for (const c of convCases) {
  for (const t of threadCounts) {
    for (const pass of ['forward', 'dx', 'dW']) {
      const flops = samples.tfjs[t][0].conv.find((r) => r.name === c.name).flops;
      const a = convMedian(samples.tfjs[t], c.name, pass);
      const b = torch ? convMedian(samples.torch[t], c.name, pass) : undefined;
      const ga = a && flops / a / 1e6;
      const gb = b && flops / b / 1e6;
      const ratio = a !== undefined && b !== undefined ? a / b : undefined;
      // At 1 thread, CPU time is the kernel's own cost whatever else runs.
      const ca = t === 1 ? convMedian(samples.tfjs[t], c.name, pass, 'cpuMedian') : undefined;
      const cb =
        t === 1 && torch ? convMedian(samples.torch[t], c.name, pass, 'cpuMedian') : undefined;
      const gca = ca && flops / ca / 1e6;
      const gcb = cb && flops / cb / 1e6;
      report.conv.push({
        tfjsCpuGflops: gca,
        torchCpuGflops: gcb,
        layer: c.name,
        threads: t,
        pass,
        tfjsMs: a,
        torchMs: b,
        tfjsGflops: ga,
        torchGflops: gb,
        ratio,
      });
      lines.push(
        `| ${c.name} | ${t} | ${pass} | ${fmt(ga, 1)} | ${fmt(gb, 1)} | ${fmt(ratio, 2)} | ${fmt(gca, 1)} | ${fmt(gcb, 1)} |`,
      );
    }
  }
}
report.loadAverage.after = loadavg()[0];
lines.push('');
lines.push(
  `Load average (1 min) before/after: ${report.loadAverage.before.toFixed(1)}/${report.loadAverage.after.toFixed(1)} on ${availableParallelism()} CPUs.`,
);
const text = lines.join('\n');
console.log(text);
report.table = text;
report.raw = samples;
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten: ${join('packages/backend-wasm-train/bench/results/latest.json')}`);
