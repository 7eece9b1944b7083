import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The official ONNX schema (`proto/onnx.proto`, copied unchanged from the
 * ONNX repository) parsed by protobufjs at first use, field names kept as
 * the schema spells them (`op_type`, `raw_data`, …). Every byte of a model
 * file is written by protobufjs from this schema.
 */
let root: protobuf.Root | undefined;

const schemaPath = () => fileURLToPath(new URL('../../proto/onnx.proto', import.meta.url));

function schema(): protobuf.Root {
  root ??= new protobuf.Root().loadSync(schemaPath(), { keepCase: true });
  return root;
}

/** `onnx.ModelProto`, for encoding and decoding whole model files. */
export function modelProto(): protobuf.Type {
  return schema().lookupType('onnx.ModelProto');
}

/** `TensorProto.DataType` values this package writes. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** `AttributeProto.AttributeType` values this package writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** Encodes a plain ModelProto object (schema field names) to the ONNX wire format. */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem) throw new Error(`internal: invalid ModelProto (${problem})`);
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes a model file to a plain object (int64 as numbers, bytes as Uint8Array). */
export function decodeModel(bytes: Uint8Array): Record<string, any> {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false });
}
