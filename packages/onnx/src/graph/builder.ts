import { AttributeType, DataType } from '../proto/schema.js';

/** A value in the graph, by its ONNX name. */
export type Value = string;

/** A dimension: a size, a symbolic name (dynamic), or unknown. */
export type Dim = number | string | undefined;

/** Marks a number as an ONNX float attribute (plain numbers are ints). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export const float = (value: number): FloatAttr => new FloatAttr(value);

export type Attr = number | readonly number[] | string | FloatAttr;

interface Node {
  op_type: string;
  name: string;
  input: string[];
  output: string[];
  attribute: Array<Record<string, unknown>>;
}

interface Initializer {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  int64_data?: number[];
}

interface ValueInfo {
  name: string;
  dims: readonly Dim[];
}

/**
 * Builds one ONNX graph: nodes in topological order (each op is added after
 * its inputs exist), float weights as initializers named after the module
 * parameters they hold, small constants deduplicated. Node and value names
 * carry the module path of the layer that made them (`enc1.conv/Conv_3`),
 * so a graph viewer shows where each node comes from.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers = new Map<string, Initializer>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<string, Value>();
  private scope = '';
  private counter = 0;

  /** Runs `build` with node names prefixed by `scope` (a module path). */
  scoped<T>(scope: string, build: () => T): T {
    const outer = this.scope;
    this.scope = scope;
    try {
      return build();
    } finally {
      this.scope = outer;
    }
  }

  /** A graph input of element type float. */
  input(name: string, dims: readonly Dim[]): Value {
    this.claim(name);
    this.inputs.push({ name, dims });
    return name;
  }

  /** Declares `value` (made with that exact name) a graph output. */
  output(value: Value, dims: readonly Dim[]): void {
    this.outputs.push({ name: value, dims });
  }

  /** One node with one output; `out` names the output (default: a fresh name). */
  op(
    opType: string,
    inputs: readonly Value[],
    attrs: Record<string, Attr> = {},
    out?: string,
  ): Value {
    return this.ops(opType, inputs, attrs, 1, out ? [out] : undefined)[0]!;
  }

  /** One node with `count` outputs. */
  ops(
    opType: string,
    inputs: readonly Value[],
    attrs: Record<string, Attr>,
    count: number,
    outNames?: readonly string[],
  ): Value[] {
    const name = this.fresh(opType);
    const output = Array.from({ length: count }, (_, i) => {
      const n = outNames?.[i] ?? (count === 1 ? name : `${name}:${i}`);
      if (outNames?.[i]) this.claim(n);
      return n;
    });
    this.nodes.push({
      op_type: opType,
      name,
      input: [...inputs],
      output,
      attribute: Object.entries(attrs).map(([key, v]) => attribute(key, v)),
    });
    return output;
  }

  /** A float initializer named after the parameter it holds (`conv1.weight`). */
  weight(name: string, data: Float32Array, dims: readonly number[]): Value {
    let unique = name;
    for (let i = 2; this.names.has(unique); i++) unique = `${name}_${i}`;
    this.claim(unique);
    this.initializers.set(unique, {
      name: unique,
      dims: [...dims],
      data_type: DataType.FLOAT,
      raw_data: littleEndianBytes(data),
    });
    return unique;
  }

  /** A float constant (a scalar, or 1-D when `values` is an array); identical ones are shared. */
  floats(values: number | readonly number[], dims?: readonly number[]): Value {
    const data = Float32Array.from(typeof values === 'number' ? [values] : values);
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    const key = `f${shape.join('x')}:${Array.from(data).join(',')}`;
    return this.constant(key, () => ({
      dims: [...shape],
      data_type: DataType.FLOAT,
      raw_data: littleEndianBytes(data),
    }));
  }

  /** A 1-D int64 constant (shapes, axes, repeats); identical ones are shared. */
  int64s(values: readonly number[]): Value {
    return this.constant(`i:${values.join(',')}`, () => ({
      dims: [values.length],
      data_type: DataType.INT64,
      int64_data: [...values],
    }));
  }

  /**
   * Drops every node and initializer no output depends on, so a graph whose
   * outputs are early taps stops at the deepest of them.
   */
  prune(): void {
    const needed = new Set(this.outputs.map((o) => o.name));
    const kept: Node[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i]!;
      if (!node.output.some((o) => needed.has(o))) continue;
      kept.push(node);
      for (const input of node.input) needed.add(input);
    }
    this.nodes.splice(0, this.nodes.length, ...kept.reverse());
    for (const name of [...this.initializers.keys()]) {
      if (!needed.has(name)) this.initializers.delete(name);
    }
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The GraphProto as a plain object with the schema's field names. */
  toGraphProto(name: string, docString?: string): Record<string, unknown> {
    return {
      name,
      ...(docString ? { doc_string: docString } : {}),
      node: this.nodes,
      initializer: [...this.initializers.values()],
      input: this.inputs.map(valueInfo),
      output: this.outputs.map(valueInfo),
    };
  }

  private constant(key: string, make: () => Omit<Initializer, 'name'>): Value {
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh('const');
    this.initializers.set(name, { name, ...make() });
    this.constants.set(key, name);
    return name;
  }

  private fresh(kind: string): string {
    let name: string;
    do name = `${this.scope ? `${this.scope}/` : ''}${kind}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`internal: ONNX value name '${name}' used twice`);
    this.names.add(name);
  }
}

function attribute(name: string, v: Attr): Record<string, unknown> {
  if (v instanceof FloatAttr) return { name, type: AttributeType.FLOAT, f: v.value };
  if (typeof v === 'string') {
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`internal: int attribute ${name} = ${v}`);
    return { name, type: AttributeType.INT, i: v };
  }
  return { name, type: AttributeType.INTS, ints: [...v] };
}

function valueInfo(info: ValueInfo): Record<string, unknown> {
  return {
    name: info.name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: {
          dim: info.dims.map((d) =>
            typeof d === 'number' ? { dim_value: d } : d === undefined ? {} : { dim_param: d },
          ),
        },
      },
    },
  };
}

/** The bytes of a float32 array in little-endian order (ONNX raw_data). */
function littleEndianBytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}
