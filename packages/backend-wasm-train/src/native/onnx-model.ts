import { createRequire } from 'node:module';
import type { onnx } from 'onnx-proto';

/**
 * Tiny ONNX models (a handful of nodes, float32 inputs and outputs of fixed
 * shape) serialised with `onnx-proto`: protobufjs code generated from the
 * official onnx.proto. Loaded lazily because it is an optional dependency,
 * like the runtime that reads these models.
 */

/** Opset 13: ReduceSum takes its axes as an input; Slice takes negative steps. */
export const OPSET = 13;
/**
 * ONNX Runtime's blocked-layout CPU kernels (ReorderInput, Conv,
 * ReorderOutput), what its own NchwcTransformer rewrites Conv into.
 */
export const NCHWC_DOMAIN = 'com.microsoft.nchwc';
/** IR version 7 goes with opset 13 (onnx/onnx docs/Versioning.md). */
const IR_VERSION = 7;

type Onnx = typeof onnx;
let proto: Onnx | undefined;

/** The generated ONNX classes, or throws if `onnx-proto` is not installed. */
export function onnxProto(): Onnx {
  if (!proto) {
    const require = createRequire(import.meta.url);
    proto = (require('onnx-proto') as { onnx: Onnx }).onnx;
  }
  return proto;
}

export type AttrValue = number | number[];

export interface OnnxNode {
  op: string;
  /** Operator set domain; default the standard one. */
  domain?: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

/** A constant: int64 (shapes, axes, slice bounds) or float32 (filters). */
export type Constant =
  | { name: string; int64: number[] }
  | { name: string; float32: Float32Array; dims: number[] };

export interface OnnxGraph {
  inputs: { name: string; shape: readonly number[] }[];
  outputs: { name: string; shape: readonly number[] }[];
  nodes: OnnxNode[];
  constants?: Constant[];
}

/** Serialises `graph` as an ONNX model (all values float32 unless a constant says otherwise). */
export function encodeModel(graph: OnnxGraph): Uint8Array {
  const p = onnxProto();
  const { AttributeType } = p.AttributeProto;
  const { DataType } = p.TensorProto;
  const value = (name: string, shape: readonly number[]): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: { elemType: DataType.FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } },
    },
  });
  const attribute = (name: string, v: AttrValue): onnx.IAttributeProto =>
    Array.isArray(v)
      ? { name, type: AttributeType.INTS, ints: v }
      : { name, type: AttributeType.INT, i: v };
  const initializer = (c: Constant): onnx.ITensorProto =>
    'int64' in c
      ? { name: c.name, dataType: DataType.INT64, dims: [c.int64.length], int64Data: c.int64 }
      : {
          name: c.name,
          dataType: DataType.FLOAT,
          dims: c.dims,
          // Little-endian float32 bytes, as ONNX's raw_data requires (x86 and ARM hosts are).
          rawData: new Uint8Array(c.float32.buffer, c.float32.byteOffset, c.float32.byteLength),
        };
  const domains = new Set(graph.nodes.map((n) => n.domain ?? ''));
  domains.delete('');
  const model = p.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: '@spikedistill/backend-wasm-train',
    opsetImport: [
      { domain: '', version: OPSET },
      ...[...domains].map((domain) => ({ domain, version: 1 })),
    ],
    graph: {
      name: 'pass',
      input: graph.inputs.map((i) => value(i.name, i.shape)),
      output: graph.outputs.map((o) => value(o.name, o.shape)),
      initializer: (graph.constants ?? []).map(initializer),
      node: graph.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        ...(n.domain ? { domain: n.domain } : {}),
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return p.ModelProto.encode(model).finish();
}
