import { type Module, tf } from '@spikedistill/core';
import type { GraphBuilder, Value } from '../graph/builder.js';
import { ExportError } from '../errors.js';
import type { LayerClass, Role, Roles } from './exporter.js';
import type { ExporterRegistry } from './registry.js';

/** A parameter's values as the layer computes with them, and its state-dict name. */
export interface ParamData {
  name: string;
  data: Float32Array;
  dims: number[];
}

/** A tap as recorded by a backbone's exporter (NCHW, T merged into the batch when temporal). */
export interface RecordedTap {
  value: Value;
  /** T for a spiking tap ([T·N, C, H, W] in the graph, [T, N, H, W, C] at the output). */
  timesteps?: number;
}

/**
 * What exporters see while a model is written: the graph, the module tree
 * (paths for names and errors, children by member name), parameter values,
 * dispatch to the exporters of sub-layers, and the tap sink.
 */
export class ExportContext {
  private readonly paths = new Map<Module, string>();
  private readonly byPath = new Map<string, Module>();
  private readonly taps = new Map<string, RecordedTap>();

  constructor(
    readonly graph: GraphBuilder,
    root: Module,
    private readonly exporters: ExporterRegistry,
    private readonly wantedTaps: ReadonlySet<string>,
  ) {
    for (const [path, m] of root.modules()) {
      this.paths.set(m, path);
      this.byPath.set(path, m);
    }
  }

  pathOf(module: Module): string {
    const path = this.paths.get(module);
    if (path === undefined)
      throw new ExportError('internal: module is not part of the exported model');
    return path;
  }

  /** Member `name` of `parent` (as in its state-dict names), checked to be a `cls` when given. */
  child<M extends Module = Module>(parent: Module, name: string, cls?: LayerClass<M>): M {
    const path = join(this.pathOf(parent), name);
    const m = this.byPath.get(path);
    if (!m) {
      throw new ExportError(
        `ONNX export expected a layer '${path}' (${parent.constructor.name}.${name}); the model has none`,
      );
    }
    if (cls && !(m instanceof cls)) {
      throw new ExportError(
        `ONNX export expected '${path}' to be a ${cls.name}, it is a ${m.constructor.name}`,
      );
    }
    return m as M;
  }

  /** Whether `parent` has a member layer `name`. */
  has(parent: Module, name: string): boolean {
    return this.byPath.has(join(this.pathOf(parent), name));
  }

  /** Writes `module` through the exporter of its class, nodes named after its path. */
  apply<R extends Role>(role: R, module: Module, input: Roles[R]['input']): Roles[R]['output'] {
    const path = this.pathOf(module);
    const exporter = this.exporters.get(module, path);
    if (exporter.role !== role) {
      throw new ExportError(
        `Layer '${path}' (${module.constructor.name}) is used as a ${role} but its ONNX exporter is for a ${exporter.role}`,
      );
    }
    return this.graph.scoped(path, () =>
      exporter.export(this, module, input as never),
    ) as Roles[R]['output'];
  }

  /** Shorthand for an analog layer: one value in, one out. */
  layer(module: Module, x: Value): Value {
    return this.apply('layer', module, x);
  }

  /**
   * Weight `member` of `module` as the layer computes with it: through the
   * module's weight transform when one is set (ternary weights export as
   * their ternary values). For the parameters a layer passes to `use`.
   */
  weight(module: Module, member: string): ParamData {
    const v = own(module.namedParameters(), member, module, this.pathOf(module));
    const data = tf.tidy(() => Float32Array.from(computedWeight(module, v).dataSync()));
    return { name: join(this.pathOf(module), member), data, dims: [...v.shape] };
  }

  /** Parameter `member` of `module` as stored (for those a layer uses directly, e.g. norm gains). */
  param(module: Module, member: string): ParamData {
    return this.read(module, member, module.namedParameters());
  }

  /** Non-trainable state `member` of `module` (batch-norm running statistics). */
  buffer(module: Module, member: string): ParamData {
    return this.read(module, member, module.namedBuffers());
  }

  /** Records tap `name` when it was asked for. */
  tap(name: string, value: Value, timesteps?: number): void {
    if (this.wantedTaps.has(name))
      this.taps.set(name, timesteps ? { value, timesteps } : { value });
  }

  recordedTaps(): ReadonlyMap<string, RecordedTap> {
    return this.taps;
  }

  private read(module: Module, member: string, entries: Array<[string, tf.Variable]>): ParamData {
    const v = own(entries, member, module, this.pathOf(module));
    return {
      name: join(this.pathOf(module), member),
      data: Float32Array.from(v.dataSync()),
      dims: [...v.shape],
    };
  }
}

function own(
  entries: Array<[string, tf.Variable]>,
  member: string,
  module: Module,
  path: string,
): tf.Variable {
  const found = entries.find(([n]) => n === member);
  if (!found) {
    throw new ExportError(
      `ONNX export: layer '${path}' (${module.constructor.name}) has no '${member}'`,
    );
  }
  return found[1];
}

/**
 * `Module.use` is protected: layers call it for the weight they compute
 * with. The exporter needs that same value, so it is the one caller outside
 * a layer.
 */
function computedWeight(module: Module, v: tf.Variable): tf.Tensor {
  return (module as unknown as { use(v: tf.Variable): tf.Tensor }).use(v);
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);
