import { readFile, writeFile } from 'node:fs/promises';
import { SpikedistillError } from '@spikedistill/core';

/** dtypes this reader understands, with their size in bytes. */
const DTYPE_BYTES = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
} as const;
export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

/** One tensor of a safetensors file, its values widened to float32 (int32 for I32/I64 on save). */
export interface StoredTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Values as float32 (every dtype is converted when read). */
  data: Float32Array;
}

/** Any decoded tensor: ours, or core's RawTensor. */
export interface TensorLike {
  dtype: string;
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** Errors about weights name the file and, where there is one, the tensor. */
export class WeightsError extends SpikedistillError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_WEIGHTS', message, options);
  }
}

const MAX_HEADER = 100 * 1024 * 1024;

/**
 * Encodes tensors as safetensors: an 8-byte little-endian header length, a
 * JSON header {name: {dtype, shape, data_offsets}} (plus `__metadata__`)
 * padded with spaces to 8 bytes, then the raw little-endian data.
 */
export function encodeSafetensors(
  tensors: Iterable<
    readonly [string, { shape: readonly number[]; data: Float32Array | Int32Array }]
  >,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header['__metadata__'] = metadata;
  const chunks: Array<Float32Array | Int32Array> = [];
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new WeightsError(
        `Tensor '${name}': shape [${shape}] needs ${size} values, got ${data.length}`,
      );
    }
    header[name] = {
      dtype: data instanceof Int32Array ? 'I32' : 'F32',
      shape: [...shape],
      data_offsets: [offset, offset + data.byteLength],
    };
    chunks.push(data);
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const chunk of chunks) {
    // Typed arrays are in platform order; write explicitly little-endian.
    const isInt = chunk instanceof Int32Array;
    for (let i = 0; i < chunk.length; i++, at += 4) {
      if (isInt) view.setInt32(at, chunk[i]!, true);
      else view.setFloat32(at, chunk[i]!, true);
    }
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function readValues(
  view: DataView,
  start: number,
  dtype: SafetensorsDtype,
  count: number,
): Float32Array {
  const out = new Float32Array(count);
  const size = DTYPE_BYTES[dtype];
  for (let i = 0; i < count; i++) {
    const at = start + i * size;
    switch (dtype) {
      case 'F64':
        out[i] = view.getFloat64(at, true);
        break;
      case 'F32':
        out[i] = view.getFloat32(at, true);
        break;
      case 'F16':
        out[i] = halfToFloat(view.getUint16(at, true));
        break;
      case 'BF16':
        out[i] = new Float32Array(new Uint32Array([view.getUint16(at, true) << 16]).buffer)[0]!;
        break;
      case 'I64':
        out[i] = Number(view.getBigInt64(at, true));
        break;
      case 'I32':
        out[i] = view.getInt32(at, true);
        break;
      case 'I16':
        out[i] = view.getInt16(at, true);
        break;
      case 'I8':
        out[i] = view.getInt8(at);
        break;
      default:
        out[i] = view.getUint8(at);
    }
  }
  return out;
}

/** Parses safetensors bytes; every inconsistency is an error naming `source` and the tensor. */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsFile {
  const bad = (detail: string) => new WeightsError(`Weights file ${source}: ${detail}`);
  if (bytes.length < 8) throw bad(`too short (${bytes.length} bytes) to be safetensors`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > bytes.length) {
    throw bad(
      `header length ${n} does not fit in the file (${bytes.length} bytes): not safetensors, or truncated`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    throw new WeightsError(
      `Weights file ${source}: header is not JSON (${(err as Error).message})`,
      { cause: err },
    );
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!e || typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) {
      throw bad(
        `tensor '${name}' has dtype ${JSON.stringify(e?.dtype)}; supported: ${Object.keys(DTYPE_BYTES).join(', ')}`,
      );
    }
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw bad(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const [begin, end] = e.data_offsets ?? [Number.NaN, Number.NaN];
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end >= begin && end <= dataLength)) {
      throw bad(
        `tensor '${name}' has data offsets [${begin}, ${end}] outside the data (${dataLength} bytes)`,
      );
    }
    if (end - begin !== count * DTYPE_BYTES[dtype]) {
      throw bad(
        `tensor '${name}' (${dtype} [${e.shape}]) needs ${count * DTYPE_BYTES[dtype]} bytes, its offsets give ${end - begin}`,
      );
    }
    tensors.set(name, {
      dtype,
      shape: e.shape,
      data: readValues(view, dataStart + begin, dtype, count),
    });
  }
  return { tensors, metadata };
}

export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new WeightsError(`Cannot read weights file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return decodeSafetensors(bytes, path);
}

export async function writeSafetensors(
  path: string,
  tensors: Iterable<
    readonly [string, { shape: readonly number[]; data: Float32Array | Int32Array }]
  >,
  metadata: Record<string, string> = {},
): Promise<void> {
  try {
    await writeFile(path, encodeSafetensors(tensors, metadata));
  } catch (err) {
    if (err instanceof WeightsError) throw err;
    throw new WeightsError(`Cannot write weights file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
