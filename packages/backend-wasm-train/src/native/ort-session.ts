import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { encodeModel, type OnnxGraph } from './onnx-model.js';

/**
 * ONNX Runtime's CPU kernels, run synchronously from a tfjs kernel.
 *
 * onnxruntime-node's public `InferenceSession.create` and `run` return
 * promises, which a tfjs kernel (synchronous by contract) cannot wait for.
 * Underneath, its native binding (`dist/binding.js`: a session object with
 * `loadModel` and `run`) is synchronous; the public API only defers it with
 * `setImmediate`. This module is the one place that reaches into that
 * binding: it loads it once, checks it by running a tiny model, and reports
 * why not when anything is missing, so callers can fall back.
 *
 * Copies: inputs and outputs are Float32Array views handed to the runtime as
 * they are (it reads inputs in place and writes into outputs it is given),
 * except views of a SharedArrayBuffer (the threaded wasm build's heap), which
 * the binding rejects: those go through one reusable staging buffer.
 */

/** The binding's session, as onnxruntime-node 1.x declares it (lib/binding.ts). */
interface BindingSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, unknown>, options: object): unknown;
  dispose?(): void;
}

interface OrtModules {
  version: string;
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  newSession(): BindingSession;
}

export type RuntimeLoad =
  | { ok: true; version: string; modules: OrtModules }
  | { ok: false; reason: string };

let loaded: RuntimeLoad | undefined;

/** Loads onnxruntime-node's synchronous binding once; never throws. */
export function loadRuntime(): RuntimeLoad {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): RuntimeLoad {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return { ok: false, reason: 'onnxruntime-node is not installed' };
  }
  let version = '?';
  try {
    version = (require(join(root, 'package.json')) as { version: string }).version;
    const ort = require(root) as { Tensor: OrtModules['Tensor'] };
    const binding = require(join(root, 'dist', 'binding.js')) as {
      binding?: { InferenceSession?: new () => BindingSession };
      initOrt?: () => void;
    };
    const Session = binding.binding?.InferenceSession;
    if (typeof Session !== 'function' || typeof binding.initOrt !== 'function') {
      return {
        ok: false,
        reason: `onnxruntime-node ${version}: its synchronous binding (dist/binding.js) has another shape`,
      };
    }
    binding.initOrt();
    const modules: OrtModules = { version, Tensor: ort.Tensor, newSession: () => new Session() };
    selfTest(modules);
    return { ok: true, version, modules };
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { ok: false, reason: `onnxruntime-node ${version} failed to load: ${why}` };
  }
}

/** Runs x → xᵀ + 1 once, so a binding that loads but misbehaves is caught here. */
function selfTest(modules: OrtModules): void {
  const session = new NativeSession(
    modules,
    {
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y', shape: [3, 2] }],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [1, 0] } },
        { op: 'Add', inputs: ['t', 'one'], outputs: ['y'] },
      ],
      constants: [{ name: 'one', float32: new Float32Array([1]), dims: [] }],
    },
    1,
  );
  const y = new Float32Array(6);
  session.run([new Float32Array([1, 2, 3, 4, 5, 6])], [y]);
  session.dispose();
  if (y.join() !== '2,5,3,6,4,7')
    throw new Error(`self-test gave [${y.join()}], not [2,5,3,6,4,7]`);
}

/** A reusable non-shared buffer for views the binding does not accept. */
let staging = new ArrayBuffer(0);

/** One ONNX Runtime session over a fixed-shape model, run synchronously. */
export class NativeSession {
  private readonly session: BindingSession;

  constructor(
    private readonly modules: OrtModules,
    private readonly graph: OnnxGraph,
    threads: number,
  ) {
    const model = encodeModel(graph);
    this.session = modules.newSession();
    this.session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // No arena: a session per layer shape would otherwise each keep its
      // largest intermediates (NCHW copies, tap windows) between steps.
      enableCpuMemArena: false,
      // Between calls the wasm threads, not these, should have the cores.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  }

  /**
   * Runs the model on `inputs` writing `outputs` (both in the graph's order),
   * each a Float32Array of its value's exact size.
   */
  run(inputs: readonly Float32Array[], outputs: readonly Float32Array[]): void {
    const shared = [...inputs, ...outputs].some((a) => a.buffer instanceof SharedArrayBuffer);
    let feedArrays = inputs;
    let fetchArrays = outputs;
    if (shared) {
      const total = [...inputs, ...outputs].reduce((n, a) => n + a.length, 0);
      if (staging.byteLength < total * 4) staging = new ArrayBuffer(total * 4);
      let offset = 0;
      const stage = (a: Float32Array) => {
        const copy = new Float32Array(staging, offset * 4, a.length);
        offset += a.length;
        return copy;
      };
      feedArrays = inputs.map((a) => {
        const copy = stage(a);
        copy.set(a);
        return copy;
      });
      fetchArrays = outputs.map(stage);
    }
    const { Tensor } = this.modules;
    const feeds: Record<string, unknown> = {};
    this.graph.inputs.forEach(({ name, shape }, i) => {
      feeds[name] = new Tensor('float32', feedArrays[i]!, shape);
    });
    const fetches: Record<string, unknown> = {};
    this.graph.outputs.forEach(({ name, shape }, i) => {
      fetches[name] = new Tensor('float32', fetchArrays[i]!, shape);
    });
    this.session.run(feeds, fetches, {});
    if (shared) {
      outputs.forEach((a, i) => {
        a.set(fetchArrays[i]!);
      });
    }
  }

  dispose(): void {
    this.session.dispose?.();
  }
}
