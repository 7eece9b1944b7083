import { tf } from '@spikedistill/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

/**
 * Op-by-op timing of whatever runs on a tfjs backend: every kernel registered
 * for it is re-registered wrapped in a timer, until `stop()` puts the
 * originals back. Only outermost calls are timed (a kernel that runs other
 * kernels counts once, under its own name). CPU time is the process's (all
 * threads): on a shared machine it is steadier than wall time, and at one
 * thread it is the op's own compute.
 */
export interface KernelTiming {
  kernel: string;
  calls: number;
  cpuMs: number;
  wallMs: number;
}

export interface KernelProfiler {
  /** Forgets what was timed so far (e.g. after warm-up steps). */
  reset(): void;
  /** Timings so far, most CPU time first. */
  timings(): KernelTiming[];
  /**
   * CPU ms the timers themselves add per timed call (two `process.cpuUsage`
   * calls), measured when profiling started: subtract calls × this from the
   * time outside kernels.
   */
  readonly overheadMsPerCall: number;
  /** Restores the original kernels; returns the final timings. */
  stop(): KernelTiming[];
}

const cpuNowMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

function measureOverhead(): number {
  const n = 2000;
  const t0 = cpuNowMs();
  for (let i = 0; i < n; i++) {
    cpuNowMs();
    performance.now();
  }
  return (cpuNowMs() - t0) / n;
}

export function startKernelProfile(backend = tf.getBackend()): KernelProfiler {
  const originals: KernelConfig[] = tf.getKernelsForBackend(backend);
  const totals = new Map<string, KernelTiming>();
  let depth = 0;
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return inner(args);
        depth++;
        const c0 = cpuNowMs();
        const t0 = performance.now();
        try {
          return inner(args);
        } finally {
          const wallMs = performance.now() - t0;
          const cpuMs = cpuNowMs() - c0;
          depth--;
          const entry = totals.get(config.kernelName) ?? {
            kernel: config.kernelName,
            calls: 0,
            cpuMs: 0,
            wallMs: 0,
          };
          entry.calls++;
          entry.cpuMs += cpuMs;
          entry.wallMs += wallMs;
          totals.set(config.kernelName, entry);
        }
      },
    });
  }
  const timings = () =>
    [...totals.values()].map((t) => ({ ...t })).sort((a, b) => b.cpuMs - a.cpuMs);
  let stopped = false;
  return {
    overheadMsPerCall: measureOverhead(),
    reset: () => totals.clear(),
    timings,
    stop: () => {
      if (!stopped) {
        stopped = true;
        for (const config of originals) {
          tf.unregisterKernel(config.kernelName, backend);
          tf.registerKernel(config);
        }
      }
      return timings();
    },
  };
}
