// Shared by the Node sides of the benchmark.
import { createRegistry } from '@spikedistill/core';
import { register as registerNeurons } from '@spikedistill/neurons';
import { register as registerRestoration } from '@spikedistill/restoration';

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function parseArgs(argv, defaults) {
  const args = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    args[key] = typeof defaults[key] === 'number' ? Number(value) : value;
  }
  return args;
}

/** Wall-clock and process CPU ms (all threads) per call of an async `fn`. */
export async function timeIt(fn, warmup, reps) {
  for (let i = 0; i < warmup; i++) await fn();
  const ms = [];
  const cpuMs = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { ms, cpuMs };
}

export const registry = (seed = 1) =>
  createRegistry({
    packages: [
      { name: '@spikedistill/neurons', register: registerNeurons },
      { name: '@spikedistill/restoration', register: registerRestoration },
    ],
    seed,
  });
