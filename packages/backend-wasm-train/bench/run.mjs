// Side-by-side benchmark: tfjs on wasm with this package's kernels, the same
// with the conv passes on ONNX Runtime's native kernels (nativeConv 'auto'),
// and the same nets in PyTorch, at 1 and 2 threads. Each engine runs in its
// own process per thread count; rounds interleave them so load from other
// processes hits all alike. Prints tables of medians with ratios and writes
// bench/results/latest.json (--readme also rewrites the table in the
// package README). Run from the repo root with `pnpm bench` (builds first),
// or `node packages/backend-wasm-train/bench/run.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convCases, median } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = { rounds: 2, reps: 7, convReps: 9, threads: '1,2', readme: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, '');
  if (key === 'readme') opts.readme = true;
  else opts[key] = argv[++i];
}
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

const engines = {
  wasm: (t) =>
    runJson(process.execPath, ['tfjs-bench.mjs', ...childArgs(t), '--nativeConv', 'off']),
  native: (t) =>
    runJson(process.execPath, ['tfjs-bench.mjs', ...childArgs(t), '--nativeConv', 'auto']),
  torch: (t) =>
    runJson(torch.py, [
      'torch_bench.py',
      ...childArgs(t),
      '--convCases',
      JSON.stringify(convCases),
    ]),
};
const engineLabel = { wasm: 'tfjs-wasm', native: 'tfjs-wasm + native conv', torch: 'PyTorch' };
const active = Object.keys(engines).filter((e) => e !== 'torch' || torch);

// samples[engine][threads] = list of per-process results
const samples = Object.fromEntries(
  active.map((e) => [e, Object.fromEntries(threadCounts.map((t) => [t, []]))]),
);
for (let round = 0; round < Number(opts.rounds); round++) {
  for (const t of threadCounts) {
    process.stderr.write(`round ${round + 1}/${opts.rounds}, ${t} thread(s):`);
    for (const e of active) {
      process.stderr.write(` ${engineLabel[e]}`);
      samples[e][t].push(engines[e](t));
    }
    process.stderr.write('\n');
  }
}
const nativeEngine = samples.native?.[threadCounts[0]]?.[0]?.nativeConv;

/** Median over every step of every round (`key`: 'ms' wall clock, 'cpuMs' CPU time). */
function stepMedian(results, net, key = 'ms') {
  const all = (results ?? []).flatMap((r) => r.steps[net]?.[key] ?? []);
  return all.length ? median(all) : undefined;
}
function convMedian(results, name, pass, key = 'median') {
  const all = (results ?? [])
    .map((r) => r.conv.find((c) => c.name === name)?.passes[pass]?.[key])
    .filter((v) => v !== undefined);
  return all.length ? median(all) : undefined;
}
const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);

const fmt = (v, d = 0) => (v === undefined ? '—' : v.toFixed(d));
const nets = ['dncnn6', 'sunet-t4', 'sunet-t4-unfused', 'hint'];
const netLabel = {
  dncnn6: 'DnCNN-6 (32 ch, batch 8, 64², MSE, Adam)',
  'sunet-t4': 'spiking U-Net T=4 (16/32 ch, fused LIF, batch 8, 64², L1, Adam)',
  'sunet-t4-unfused': 'same, LIF as plain tf ops (PyTorch column: its usual loop)',
  hint: 'hint distillation: DnCNN-17 teacher frozen (ONNX Runtime / no_grad) + that spiking U-Net, batch 8, 48², L1 + 0.12·MSE hint, Adam',
};
/** Issue 15's goals for the step rows, as a ratio to PyTorch. */
const goals = { dncnn6: undefined, 'sunet-t4': 1.5, hint: 1.5 };

const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cpus: availableParallelism(), node: process.version },
  loadAverage: { before: loadBefore },
  pytorch: torch?.version ?? null,
  nativeConv: nativeEngine ?? null,
  options: opts,
  steps: [],
  conv: [],
};

const lines = [];
lines.push('Training step, median ms (lower is better); ratios to PyTorch in the same run');
lines.push('');
lines.push(
  '| net | threads | tfjs-wasm | + native conv | PyTorch | ratio wasm | ratio native | CPU ms wasm | CPU ms native | CPU ms PyTorch | CPU ratio native |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const net of nets) {
  for (const t of threadCounts) {
    const other = net.replace('-unfused', '');
    const ms = (e, key) => stepMedian(samples[e]?.[t], e === 'torch' ? other : net, key);
    const row = {
      net,
      threads: t,
      wasmMs: ms('wasm'),
      nativeMs: ms('native'),
      torchMs: ms('torch'),
      wasmCpuMs: ms('wasm', 'cpuMs'),
      nativeCpuMs: ms('native', 'cpuMs'),
      torchCpuMs: ms('torch', 'cpuMs'),
    };
    row.wasmRatio = ratio(row.wasmMs, row.torchMs);
    row.nativeRatio = ratio(row.nativeMs, row.torchMs);
    row.wasmCpuRatio = ratio(row.wasmCpuMs, row.torchCpuMs);
    row.nativeCpuRatio = ratio(row.nativeCpuMs, row.torchCpuMs);
    row.goal = goals[net];
    report.steps.push(row);
    lines.push(
      `| ${netLabel[net]} | ${t} | ${fmt(row.wasmMs)} | ${fmt(row.nativeMs)} | ${fmt(row.torchMs)} | ${fmt(row.wasmRatio, 2)} | ${fmt(row.nativeRatio, 2)} | ${fmt(row.wasmCpuMs)} | ${fmt(row.nativeCpuMs)} | ${fmt(row.torchCpuMs)} | ${fmt(row.nativeCpuRatio, 2)} |`,
    );
  }
}
const teacherMedian = (e, t) => {
  const all = (samples[e]?.[t] ?? []).flatMap((r) => r.steps.hint?.teacherMs ?? []);
  return all.length ? median(all) : undefined;
};
report.hintTeacher = threadCounts.map((t) => ({
  threads: t,
  wasmMs: teacherMedian('wasm', t),
  nativeMs: teacherMedian('native', t),
  torchMs: teacherMedian('torch', t),
}));
lines.push('');
lines.push(
  `Of the hint step, the teacher's forward (wall ms, median): ${report.hintTeacher
    .map(
      (r) =>
        `${r.threads} thread(s): ${fmt(r.wasmMs)} / ${fmt(r.nativeMs)} on ONNX Runtime, ${fmt(r.torchMs)} in PyTorch`,
    )
    .join('; ')}.`,
);
lines.push(
  'CPU ms: CPU time of the process over the step (all its threads). With other processes on the',
);
lines.push('machine it is steadier than wall time; at 1 thread it is the compute the step needs.');
for (const [net, goal] of Object.entries(goals)) {
  if (!goal) continue;
  const row = report.steps.find((r) => r.net === net && r.threads === 1);
  if (row?.nativeCpuRatio === undefined) continue;
  const met = row.nativeCpuRatio <= goal;
  lines.push(
    `Goal (issue 15): ${netLabel[net].split(/ \(|:/)[0]} step ≤ ${goal}× PyTorch — 1 thread, CPU time: ${row.nativeCpuRatio.toFixed(2)}× with native conv (${met ? 'met' : 'missed'}), ${fmt(row.wasmCpuRatio, 2)}× without.`,
  );
}
lines.push('');
lines.push('Conv passes (3×3, same), median GFLOP/s (higher is better)');
lines.push('');
lines.push(
  '| layer | threads | pass | tfjs-wasm | + native conv | PyTorch | ratio native (time) | wasm by CPU | native by CPU | PyTorch by CPU |',
);
lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const c of convCases) {
  for (const t of threadCounts) {
    for (const pass of ['forward', 'dx', 'dW']) {
      const flops = samples.wasm[t][0].conv.find((r) => r.name === c.name).flops;
      const time = (e, key) => convMedian(samples[e]?.[t], c.name, pass, key);
      const gflops = (ms) => ms && flops / ms / 1e6;
      // At 1 thread, CPU time is the kernel's own cost whatever else runs.
      const cpu = (e) => (t === 1 ? gflops(time(e, 'cpuMedian')) : undefined);
      const row = {
        layer: c.name,
        threads: t,
        pass,
        wasmMs: time('wasm'),
        nativeMs: time('native'),
        torchMs: time('torch'),
      };
      Object.assign(row, {
        wasmGflops: gflops(row.wasmMs),
        nativeGflops: gflops(row.nativeMs),
        torchGflops: gflops(row.torchMs),
        nativeRatio: ratio(row.nativeMs, row.torchMs),
        wasmCpuGflops: cpu('wasm'),
        nativeCpuGflops: cpu('native'),
        torchCpuGflops: cpu('torch'),
      });
      report.conv.push(row);
      lines.push(
        `| ${c.name} | ${t} | ${pass} | ${fmt(row.wasmGflops, 1)} | ${fmt(row.nativeGflops, 1)} | ${fmt(row.torchGflops, 1)} | ${fmt(row.nativeRatio, 2)} | ${fmt(row.wasmCpuGflops, 1)} | ${fmt(row.nativeCpuGflops, 1)} | ${fmt(row.torchCpuGflops, 1)} |`,
      );
    }
  }
}
report.loadAverage.after = loadavg()[0];
lines.push('');
lines.push(
  `Native conv: ${nativeEngine ? `${nativeEngine.engine} (mode ${nativeEngine.mode}${nativeEngine.reason ? `; ${nativeEngine.reason}` : ''})` : '—'}. Load average (1 min) before/after: ${report.loadAverage.before.toFixed(1)}/${report.loadAverage.after.toFixed(1)} on ${availableParallelism()} CPUs.`,
);
const text = lines.join('\n');
console.log(text);
report.table = text;
report.raw = samples;
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten: ${join('packages/backend-wasm-train/bench/results/latest.json')}`);

if (opts.readme) {
  // The block between the markers in the package README is this run's table.
  const readme = join(here, '..', 'README.md');
  const source = readFileSync(readme, 'utf8');
  const start = '<!-- latest-table -->';
  const end = '<!-- /latest-table -->';
  const a = source.indexOf(start);
  const b = source.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md: markers ${start} … ${end} not found`);
  const head = `Latest run (${report.date.slice(0, 16).replace('T', ' ')} UTC, ${report.machine.cpu}, ${report.machine.cpus} CPUs, Node ${report.machine.node}, PyTorch ${report.pytorch ?? '—'}; \`pnpm bench ${argv.filter((x) => x !== '--readme').join(' ')}\`).`;
  writeFileSync(
    readme,
    `${source.slice(0, a + start.length)}\n\n${head}\n\n${text}\n\n${source.slice(b)}`,
  );
  console.log('rewritten: the table in packages/backend-wasm-train/README.md');
}
