import { availableParallelism } from 'node:os';
import { type Backbone, BadOptionsError, checkTaps, ShapeError, tf } from '@spikedistill/core';
import { ExportError } from '../errors.js';
import type { LayerExporter } from '../exporters/index.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../runtime/ort.js';
import { cachedExport, defaultCacheDir } from './cache.js';

export type Engine = 'onnx' | 'tfjs';

export interface FrozenModelOptions {
  /** 'auto' (default): onnx when onnxruntime-node loads and the model exports, else tfjs. */
  engine?: 'auto' | Engine;
  /** Taps to compute (spiking ones as [T, N, H, W, C], as the tfjs forward gives them). */
  taps?: readonly string[];
  /**
   * Compute the model's output (default true). With false only the taps are
   * computed: the ONNX graph stops at the deepest of them.
   */
  output?: boolean;
  /** ONNX Runtime intra-op threads (default: every CPU). */
  threads?: number;
  /**
   * Where exported models are kept by content hash (default
   * `$SPIKEDISTILL_CACHE/onnx` or `~/.cache/spikedistill/onnx`); false: export in memory.
   */
  cacheDir?: string | false;
  /** Exporters for layers this package does not know (see `exportOnnx`). */
  exporters?: readonly LayerExporter[];
}

export interface FrozenForward {
  /** The restored image [N, H, W, C], unless `output: false`. */
  output?: tf.Tensor4D;
  /** The requested taps. */
  taps: Record<string, tf.Tensor>;
}

/**
 * A frozen (inference-only) model, on ONNX Runtime or on tfjs. The weights
 * are read when it is created: later changes to the backbone do not reach
 * an onnx engine.
 */
export interface FrozenModel {
  readonly engine: Engine;
  /** Why this engine: what was asked, what loaded, what failed. */
  readonly reason: string;
  readonly taps: readonly string[];
  readonly output: boolean;
  readonly sizeMultiple: number;
  /** The ONNX file (onnx engine with a cache dir). */
  readonly modelPath?: string;
  /**
   * Eval-mode forward of `input` [N, H, W, C] (H, W multiples of
   * `sizeMultiple`). Results are tensors on the active tfjs backend,
   * outside any tape; the caller disposes them.
   */
  forward(input: tf.Tensor4D): Promise<FrozenForward>;
  /** Frees the ORT session (onnx); the backbone stays the caller's. */
  dispose(): Promise<void>;
}

/**
 * Runs a frozen backbone on ONNX Runtime (exported on the fly from its
 * loaded weights, cached on disk by content hash) or on tfjs, and says
 * which and why.
 */
export async function createFrozenModel(
  backbone: Backbone,
  options: FrozenModelOptions = {},
): Promise<FrozenModel> {
  const engine = options.engine ?? 'auto';
  if (!['auto', 'onnx', 'tfjs'].includes(engine)) {
    throw new BadOptionsError('engine', `'${engine}' is not one of auto, onnx, tfjs`);
  }
  const label = (backbone as { label?: string }).label ?? backbone.constructor.name;
  const taps = [...new Set(options.taps ?? [])];
  checkTaps(label, backbone.tapInfo, taps);
  const output = options.output ?? true;
  if (!output && taps.length === 0) {
    throw new BadOptionsError('taps', `${label}: with output: false, name at least one tap`);
  }
  if (engine === 'tfjs')
    return tfjsModel(backbone, taps, output, `asked for tfjs (${tf.getBackend()})`);

  const runtime = await loadOnnxRuntime();
  if (!runtime.ok) {
    if (engine === 'onnx') throw new ExportError(`engine onnx: ${runtime.reason}`);
    return tfjsModel(
      backbone,
      taps,
      output,
      `${runtime.reason}; running on tfjs (${tf.getBackend()})`,
    );
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let exported: ReturnType<typeof cachedExport>;
  try {
    exported = cachedExport(
      backbone,
      { taps, output, exporters: options.exporters ?? [] },
      cacheDir,
    );
  } catch (err) {
    if (engine === 'onnx' || !(err instanceof ExportError)) throw err;
    return tfjsModel(
      backbone,
      taps,
      output,
      `${label} has no ONNX export (${err.message}); running on tfjs (${tf.getBackend()})`,
    );
  }
  const threads = options.threads ?? availableParallelism();
  const session = await createSession(runtime.ort, exported.path ?? exported.bytes, threads);
  const from = exported.path
    ? `${exported.hit ? 'cached' : 'exported to'} ${exported.path}`
    : 'exported in memory';
  const why = engine === 'onnx' ? 'asked for onnx' : 'auto: onnxruntime-node loaded';
  return onnxModel(runtime.ort, session, backbone, taps, output, {
    reason: `${why} (${runtime.version}, ${threads} thread${threads === 1 ? '' : 's'}); model ${from}`,
    ...(exported.path ? { modelPath: exported.path } : {}),
  });
}

function createSession(ort: OnnxRuntime, model: string | Uint8Array, threads: number) {
  const options = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential' as const,
    graphOptimizationLevel: 'all' as const,
    // Idle ORT threads would otherwise spin and take the cores the training
    // step runs on right after the teacher.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  return typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options);
}

function checkInput(backbone: Backbone, x: tf.Tensor, label: string): void {
  const [, h, w, c] = x.shape;
  const m = backbone.sizeMultiple;
  if (x.rank !== 4 || c !== backbone.inputChannels || h! % m !== 0 || w! % m !== 0) {
    throw new ShapeError(
      `${label} (frozen) input`,
      `[N, H, W, ${backbone.inputChannels}] with H and W multiples of ${m}`,
      x.shape,
    );
  }
}

function onnxModel(
  ort: OnnxRuntime,
  session: Awaited<ReturnType<typeof createSession>>,
  backbone: Backbone,
  taps: string[],
  output: boolean,
  info: { reason: string; modelPath?: string },
): FrozenModel {
  const label = (backbone as { label?: string }).label ?? backbone.constructor.name;
  const inputChannels = backbone.inputChannels;
  const sizeMultiple = backbone.sizeMultiple;
  const shape = { inputChannels, sizeMultiple } as Backbone;
  return {
    engine: 'onnx',
    ...info,
    taps,
    output,
    sizeMultiple,
    async forward(input) {
      checkInput(shape, input, label);
      const data = (await input.data()) as Float32Array;
      const results = await session.run({ input: new ort.Tensor('float32', data, input.shape) });
      const toTf = (name: string) => {
        const t = results[name]!;
        return tf.tensor(t.data as Float32Array, t.dims.map(Number));
      };
      const out: FrozenForward = { taps: Object.fromEntries(taps.map((n) => [n, toTf(n)])) };
      if (output) out.output = toTf('output') as tf.Tensor4D;
      for (const t of Object.values(results)) t.dispose();
      return out;
    },
    async dispose() {
      await session.release();
    },
  };
}

function tfjsModel(
  backbone: Backbone,
  taps: string[],
  output: boolean,
  reason: string,
): FrozenModel {
  return {
    engine: 'tfjs',
    reason,
    taps,
    output,
    sizeMultiple: backbone.sizeMultiple,
    async forward(input) {
      const r = backbone.forward(input, { training: false, taps });
      // Membranes of a spiking model are not needed after a frozen forward.
      backbone.resetState();
      if (output) return { output: r.output as tf.Tensor4D, taps: r.taps };
      r.output.dispose();
      return { taps: r.taps };
    },
    async dispose() {},
  };
}
