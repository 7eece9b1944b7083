import { ConfigError, type tf } from '@spikedistill/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { f32View, type WasmBackend } from '../kernels/wasm-backend.js';
import { type ConvGeometry, filterGradGraph, forwardGraph, inputGradGraph } from './conv-graphs.js';
import type { OnnxGraph } from './onnx-model.js';
import { loadRuntime, NativeSession } from './ort-session.js';

export { loadRuntime as loadNativeRuntime } from './ort-session.js';

/**
 * Convolution passes on ONNX Runtime's native CPU kernels (MLAS: AVX2/AVX-512
 * with FMA) instead of XNNPACK on WebAssembly SIMD128, from inside the wasm
 * backend's kernels: one small session per (pass, shape, attributes), built on
 * first use and cached, run synchronously on the tensors' memory in the wasm
 * heap. Which engine runs is a backend option; without onnxruntime-node the
 * wasm kernels run as before.
 */

export const nativeConvOption = z
  .enum(['auto', 'on', 'off'])
  .default('auto')
  .describe(
    "conv forward/dx/dW passes on ONNX Runtime's native kernels: 'auto' when onnxruntime-node loads (else wasm), 'on' (an error without it), 'off'",
  );
export type NativeConvMode = z.output<typeof nativeConvOption>;

export type ConvPass = 'forward' | 'inputGrad' | 'filterGrad';

export interface NativeConvStatus {
  mode: NativeConvMode;
  /** Whether conv passes go to ONNX Runtime now. */
  active: boolean;
  /** What runs them, e.g. 'onnxruntime-node 1.30.0' or 'wasm (XNNPACK)'. */
  engine: string;
  /** Why the wasm kernels run, when they do. */
  reason?: string;
  /** Channel block of ONNX Runtime's NCHWc kernels used for conv layers whose channels it divides (0: none). */
  nchwcBlock: number;
  /** Sessions in the cache. */
  sessions: number;
  /** Passes run on each engine since the last configureNativeConv. */
  passes: Record<ConvPass, { native: number; wasm: number }>;
}

export interface NativeConvTuning {
  /**
   * Under 'auto', passes of fewer FLOPs stay on wasm: a session run costs
   * ~20 µs more than a wasm kernel call, which pays off above ~1 MFLOP
   * (measured). Default 2e6.
   */
  autoMinFlops?: number;
  /**
   * dW runs over a few images at a time: at most this many floats of x per
   * session run (and at least one image). Default 128 Ki (512 KB, cache-sized;
   * measured: 1.2–1.9× faster than the whole batch at once).
   */
  filterGradChunk?: number;
}

const defaultTuning: Required<NativeConvTuning> = {
  autoMinFlops: 2e6,
  filterGradChunk: 128 * 1024,
};
/** Sessions kept; the least recently used beyond this are disposed. */
const MAX_SESSIONS = 64;

const emptyCounts = (): NativeConvStatus['passes'] => ({
  forward: { native: 0, wasm: 0 },
  inputGrad: { native: 0, wasm: 0 },
  filterGrad: { native: 0, wasm: 0 },
});

const state = {
  mode: 'off' as NativeConvMode,
  reason: "nativeConv is 'off'" as string | undefined,
  sessions: new Map<string, NativeSession>(),
  /** Keys whose graph ONNX Runtime refused: they stay on wasm. */
  refused: new Set<string>(),
  passes: emptyCounts(),
  tuning: { ...defaultTuning },
};

/**
 * Chooses the engine of the conv passes (the backend plugin's `nativeConv`
 * option). 'on' throws a ConfigError when onnxruntime-node cannot run here;
 * 'auto' then falls back to wasm and says why in the status.
 */
export function configureNativeConv(
  mode: NativeConvMode = 'auto',
  tuning: NativeConvTuning = {},
): NativeConvStatus {
  const parsed = nativeConvOption.safeParse(mode);
  if (!parsed.success) {
    throw new ConfigError(
      `backend.wasm.nativeConv: expected 'auto', 'on' or 'off', got ${JSON.stringify(mode)}`,
    );
  }
  state.mode = parsed.data;
  state.passes = emptyCounts();
  state.tuning = { ...defaultTuning, ...tuning };
  if (state.mode === 'off') {
    state.reason = "nativeConv is 'off'";
  } else {
    const runtime = loadRuntime();
    state.reason = runtime.ok ? undefined : runtime.reason;
    if (!runtime.ok && state.mode === 'on') {
      throw new ConfigError(
        `backend.wasm.nativeConv is 'on' but ${runtime.reason}; install onnxruntime-node (an optional peer dependency of @spikedistill/backend-wasm-train) or use 'auto' or 'off'`,
      );
    }
  }
  return nativeConvStatus();
}

export function nativeConvStatus(): NativeConvStatus {
  const runtime = state.mode === 'off' ? undefined : loadRuntime();
  const active = runtime?.ok === true;
  return {
    mode: state.mode,
    active,
    engine: runtime?.ok ? `onnxruntime-node ${runtime.version}` : 'wasm (XNNPACK)',
    ...(state.reason ? { reason: state.reason } : {}),
    nchwcBlock: active ? nchwcBlock() : 0,
    sessions: state.sessions.size,
    passes: structuredClone(state.passes),
  };
}

/** Disposes every cached session (they are rebuilt on demand). */
export function clearNativeConvSessions(): void {
  for (const session of state.sessions.values()) session.dispose();
  state.sessions.clear();
  state.refused.clear();
}

/** tfjs's conv geometry in the form the graph builders take. */
export function geometryOf(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    pad: {
      top: info.padInfo.top,
      bottom: info.padInfo.bottom,
      left: info.padInfo.left,
      right: info.padInfo.right,
    },
  };
}

const builders: Record<
  ConvPass,
  (g: ConvGeometry, block: number, accumulate: boolean) => OnnxGraph | undefined
> = {
  forward: forwardGraph,
  inputGrad: inputGradGraph,
  filterGrad: filterGradGraph,
};

let blockSize: number | undefined;

/**
 * The channel block of ONNX Runtime's NCHWc kernels here (16 with AVX-512, 8
 * with AVX2), found by running a blocked and a plain conv on the same data;
 * 0 when neither size agrees (or the ops are missing): the plain graphs run.
 */
export function nchwcBlock(): number {
  if (blockSize !== undefined) return blockSize;
  blockSize = 0;
  const runtime = loadRuntime();
  if (!runtime.ok) return 0;
  for (const block of [16, 8]) {
    const g: ConvGeometry = {
      batch: 1,
      inHeight: 5,
      inWidth: 4,
      inChannels: block,
      outHeight: 5,
      outWidth: 4,
      outChannels: block,
      filterHeight: 3,
      filterWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
      pad: { top: 1, bottom: 1, left: 1, right: 1 },
    };
    const x = Float32Array.from({ length: 20 * block }, (_, i) => Math.sin(i));
    const w = Float32Array.from({ length: 9 * block * block }, (_, i) => Math.cos(3 * i));
    const run = (graph: OnnxGraph) => {
      const session = new NativeSession(runtime.modules, graph, 1);
      const y = new Float32Array(20 * block);
      try {
        session.run([x, w], [y]);
      } finally {
        session.dispose();
      }
      return y;
    };
    try {
      const plain = run(forwardGraph(g, 0)!);
      const blocked = run(forwardGraph(g, block)!);
      const scale = plain.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      if (plain.every((v, i) => Math.abs(v - blocked[i]!) <= 1e-5 * scale)) {
        blockSize = block;
        break;
      }
    } catch {
      // this build lacks the blocked ops: plain graphs
      break;
    }
  }
  return blockSize;
}

function threadsOf(backend: WasmBackend): number {
  return backend.wasm.tfjs.getThreadsCount?.() ?? 1;
}

const passKey = (pass: ConvPass, g: ConvGeometry, threads: number, accumulate = false) =>
  `${pass} ${threads} ${accumulate ? 'acc ' : ''}${JSON.stringify(g)}`;

/** The cached session for `pass` on `g`, built on first use; undefined if not covered. */
function sessionFor(
  pass: ConvPass,
  g: ConvGeometry,
  threads: number,
  accumulate = false,
): NativeSession | undefined {
  const runtime = loadRuntime();
  if (!runtime.ok) return undefined;
  const key = passKey(pass, g, threads, accumulate);
  const cached = state.sessions.get(key);
  if (cached) {
    // Most recently used last, so eviction takes the oldest.
    state.sessions.delete(key);
    state.sessions.set(key, cached);
    return cached;
  }
  if (state.refused.has(key)) return undefined;
  const graph = builders[pass](g, nchwcBlock(), accumulate);
  if (!graph) {
    state.refused.add(key);
    return undefined;
  }
  let session: NativeSession;
  try {
    session = new NativeSession(runtime.modules, graph, threads);
  } catch (err) {
    if (state.mode === 'on') throw err;
    state.refused.add(key);
    return undefined;
  }
  state.sessions.set(key, session);
  if (state.sessions.size > MAX_SESSIONS) {
    const [oldest, evicted] = state.sessions.entries().next().value as [string, NativeSession];
    evicted.dispose();
    state.sessions.delete(oldest);
  }
  return session;
}

function wanted(g: ConvGeometry): boolean {
  if (state.mode === 'off' || !loadRuntime().ok) return false;
  if (state.mode === 'on') return true;
  const flops =
    2 *
    g.batch *
    g.outHeight *
    g.outWidth *
    g.inChannels *
    g.outChannels *
    g.filterHeight *
    g.filterWidth;
  return flops >= state.tuning.autoMinFlops;
}

/**
 * Runs `pass` natively on `inputs` (forward: x, w; inputGrad: dy, w;
 * filterGrad: x, dy) into a new wasm tensor of `outShape`, or returns
 * undefined when the wasm kernel should run (mode, size, geometry).
 */
export function runNativeConvPass(
  pass: ConvPass,
  backend: WasmBackend,
  info: tf.backend_util.Conv2DInfo,
  inputs: [TensorInfo, TensorInfo],
  outShape: number[],
): TensorInfo | undefined {
  const g = geometryOf(info);
  const done = (out: TensorInfo | undefined) => {
    state.passes[pass][out ? 'native' : 'wasm']++;
    return out;
  };
  if (!wanted(g)) return done(undefined);
  if (pass === 'filterGrad') return done(filterGradInChunks(backend, g, inputs, outShape));
  const threads = threadsOf(backend);
  const session = sessionFor(pass, g, threads);
  if (!session) return done(undefined);
  const out = backend.makeOutput(outShape, 'float32');
  return done(
    guarded(backend, out, passKey(pass, g, threads), () =>
      // Views after the last allocation: growing the heap detaches older ones.
      session.run(
        inputs.map((t) => f32View(backend, t)),
        [f32View(backend, out)],
      ),
    ),
  );
}

/**
 * Runs `fill` into `out`; if ONNX Runtime throws, 'on' passes the error on,
 * 'auto' frees `out`, keeps this key on wasm from now on and returns undefined.
 */
function guarded(
  backend: WasmBackend,
  out: TensorInfo,
  key: string,
  fill: () => void,
): TensorInfo | undefined {
  try {
    fill();
    return out;
  } catch (err) {
    backend.disposeData(out.dataId);
    if (state.mode === 'on') throw err;
    state.refused.add(key);
    state.sessions.get(key)?.dispose();
    state.sessions.delete(key);
    return undefined;
  }
}

/**
 * dW over the batch a few images at a time (`filterGradChunk` floats of x),
 * which keeps each tap's window in cache; the chunk divides the batch, so one
 * session serves every chunk. Each run adds its chunk to the previous sum
 * inside the graph (a JavaScript loop over the heap is several times slower
 * here), alternating between the output and a scratch buffer so that the
 * last run writes the output.
 */
function filterGradInChunks(
  backend: WasmBackend,
  g: ConvGeometry,
  [x, dy]: [TensorInfo, TensorInfo],
  outShape: number[],
): TensorInfo | undefined {
  const perImage = g.inHeight * g.inWidth * g.inChannels;
  let chunk = Math.max(1, Math.min(g.batch, Math.floor(state.tuning.filterGradChunk / perImage)));
  while (g.batch % chunk !== 0) chunk--;
  const runs = g.batch / chunk;
  const threads = threadsOf(backend);
  const chunkGeometry = { ...g, batch: chunk };
  const session = sessionFor('filterGrad', chunkGeometry, threads, runs > 1);
  if (!session) return undefined;
  const out = backend.makeOutput(outShape, 'float32');
  const key = passKey('filterGrad', chunkGeometry, threads, runs > 1);
  return guarded(backend, out, key, () => {
    const xAll = f32View(backend, x);
    const dyAll = f32View(backend, dy);
    const dw = f32View(backend, out);
    const xSize = xAll.length / g.batch;
    const dySize = dyAll.length / g.batch;
    const images = (all: Float32Array, size: number, run: number) =>
      all.subarray(run * chunk * size, (run + 1) * chunk * size);
    if (runs === 1) {
      session.run([xAll, dyAll], [dw]);
      return;
    }
    const scratch = new Float32Array(dw.length);
    // zeros for the first run; then each run reads what the previous wrote
    let previous: Float32Array = new Float32Array(dw.length);
    for (let run = 0; run < runs; run++) {
      const target = (runs - 1 - run) % 2 === 0 ? dw : scratch;
      session.run([images(xAll, xSize, run), images(dyAll, dySize, run), previous], [target]);
      previous = target;
    }
  });
}
