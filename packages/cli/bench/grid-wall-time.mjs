// Wall time of one ablation grid trained by 1 and by 2 processes: on a Redis
// queue (`ablate --queue` with 1 or 2 `spikedistill worker`s) and locally
// (`ablate --jobs 1|2`). Each round runs every setting once, in turn, on a fresh
// Redis (Debian's redis-server, started here on a free loopback port) and fresh
// folders; the medians over rounds are printed with the load (`uptime`) before
// and after. Timing is from starting the coordinator (workers already idle on
// the queue) to its exit, i.e. the grid's wall time including each variant's
// process start.
// Build first:  npx -y pnpm@10.34.9 build
//   node packages/cli/bench/grid-wall-time.mjs [variants=8] [steps=150] [rounds=3] [settings=queue1,queue2,jobs1,jobs2]
import { execSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const [variants = 8, steps = 150, rounds = 3] = process.argv.slice(2, 5).map(Number);
const settings = (process.argv[5] ?? 'queue1,queue2,jobs1,jobs2').split(',');

// The same tiny DnCNN student under `variants` seeds: the variants cost the same.
const config = [
  'name: bench',
  'seed: 5',
  'backend: wasm',
  'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 2, testSize: 24 } }',
  'student: { name: dncnn, options: { depth: 3, width: 6 } }',
  `train: { steps: ${steps}, batch: 2, lr: 2.0e-3, checkpointEvery: 50 }`,
  `ablate: { seed: [${Array.from({ length: variants }, (_, i) => i + 1).join(', ')}] }`,
].join('\n');

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${text}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const ticks = Number(execSync('getconf CLK_TCK').toString());

/** CPU seconds of a live process and of the children it has waited for (/proc/<pid>/stat). */
function cpuOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14–17 of proc(5); `fields` starts at field 3.
  return fields.slice(11, 15).reduce((sum, t) => sum + Number(t), 0) / ticks;
}

/**
 * The CLI under bash's `time`, whose last stderr line is then the CPU seconds
 * of it and everything it waited for.
 */
function timedCli(args, cwd) {
  const child = spawn(
    'bash',
    ['-c', 'TIMEFORMAT="cpu %U %S"; time "$0" "$@"', process.execPath, bin, ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout.on('data', (c) => (text += c));
  child.stderr.on('data', (c) => (text += c));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const cpu = () => {
    const [, user, system] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(text) ?? [];
    return Number(user) + Number(system);
  };
  return { child, exited, text: () => text, cpu };
}

function startCli(args, cwd) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c) => (text += c));
  child.stderr.on('data', (c) => (text += c));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, text: () => text };
}

async function timeQueue(workers) {
  const dir = mkdtempSync(join(tmpdir(), 'sd-bench-queue-'));
  writeFileSync(join(dir, 'grid.yaml'), config);
  const redis = await startRedis();
  const started = Array.from({ length: workers }, (_, i) =>
    startCli(['worker', '--queue', redis.url, '--results', dir, '--name', `w${i}`], dir),
  );
  // Workers idle on the queue before the clock starts.
  await new Promise((r) => setTimeout(r, 3000));
  const idle = started.map((w) => cpuOf(w.child.pid));
  const t0 = performance.now();
  const coordinator = timedCli(
    ['ablate', 'grid.yaml', '--queue', redis.url, '--out', 'grid', '--no-report'],
    dir,
  );
  const code = await coordinator.exited;
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`queue run failed (${code}):\n${coordinator.text()}`);
  const cpu = started.reduce((sum, w, i) => sum + cpuOf(w.child.pid) - idle[i], coordinator.cpu());
  for (const w of started) w.child.kill('SIGTERM');
  await Promise.all(started.map((w) => w.exited));
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
  return { seconds, cpu };
}

async function timeLocal(jobs) {
  const dir = mkdtempSync(join(tmpdir(), 'sd-bench-local-'));
  writeFileSync(join(dir, 'grid.yaml'), config);
  const t0 = performance.now();
  const r = timedCli(
    ['ablate', 'grid.yaml', '--out', 'grid', '--jobs', String(jobs), '--no-report'],
    dir,
  );
  const code = await r.exited;
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`local run failed (${code}):\n${r.text()}`);
  rmSync(dir, { recursive: true, force: true });
  return { seconds, cpu: r.cpu() };
}

const run = {
  queue1: () => timeQueue(1),
  queue2: () => timeQueue(2),
  jobs1: () => timeLocal(1),
  jobs2: () => timeLocal(2),
};
const label = {
  queue1: 'queue, 1 worker',
  queue2: 'queue, 2 workers',
  jobs1: 'local, --jobs 1',
  jobs2: 'local, --jobs 2',
};

const uptime = () => execSync('uptime').toString().trim();
console.log(
  `grid: ${variants} variants (seeds) × ${steps} steps of dncnn depth 3 width 6, batch 2, 16² patches; ${rounds} round(s)`,
);
console.log(`before: ${uptime()}`);
const times = Object.fromEntries(settings.map((s) => [s, []]));
const cpus = Object.fromEntries(settings.map((s) => [s, []]));
for (let round = 0; round < rounds; round++) {
  for (const s of settings) {
    const { seconds, cpu } = await run[s]();
    times[s].push(seconds);
    cpus[s].push(cpu);
    console.log(
      `round ${round + 1}: ${label[s]}: ${seconds.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU`,
    );
  }
}
console.log(`after: ${uptime()}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const s of settings) {
  console.log(
    `${label[s].padEnd(18)} median ${median(times[s]).toFixed(1)} s wall (${times[s].map((t) => t.toFixed(1)).join(', ')}), ${median(cpus[s]).toFixed(1)} s CPU`,
  );
}
