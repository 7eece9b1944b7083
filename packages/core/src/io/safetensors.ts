import { SpikedistillError } from '../errors.js';

/**
 * safetensors, the weight format the ML world shares: 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets}}` (plus an
 * optional `__metadata__` of strings), then the raw little-endian data.
 */
export type SafetensorsDtype = 'F32' | 'F64' | 'F16' | 'I32' | 'I64' | 'U8' | 'BOOL';

export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** Values as float32 (I32/U8/BOOL/I64 are converted; F64/F16 too). */
  data: Float32Array | Int32Array;
}

const bytesPer: Record<SafetensorsDtype, number> = {
  F32: 4,
  F64: 8,
  F16: 2,
  I32: 4,
  I64: 8,
  U8: 1,
  BOOL: 1,
};

export function encodeSafetensors(
  tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array | Int32Array }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const size = t.data.byteLength;
    header[name] = {
      dtype: t.data instanceof Int32Array ? 'I32' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + size],
    };
    offset += size;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data section starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/** Parses safetensors bytes; `source` names the file in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): DecodedSafetensors {
  const fail = (why: string): never => {
    throw new SpikedistillError('E_WEIGHTS', `${source}: not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) fail(`header length ${headerLength} exceeds the file size`);
  let header: Record<string, any>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  } catch (err) {
    return fail(`header is not JSON (${(err as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, RawTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = entry as {
      dtype: SafetensorsDtype;
      shape: number[];
      data_offsets: [number, number];
    };
    if (!(dtype in bytesPer)) fail(`tensor '${name}' has unsupported dtype ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = offsets ?? [];
    if (
      begin === undefined ||
      end === undefined ||
      end > dataLength ||
      end - begin !== count * bytesPer[dtype]
    ) {
      fail(
        `tensor '${name}' (${dtype}${JSON.stringify(shape)}) has data offsets ${JSON.stringify(offsets)} that do not fit`,
      );
    }
    // Copy into an aligned buffer: offsets in the file need not be aligned.
    const raw = bytes.slice(dataStart + begin!, dataStart + end!);
    tensors.set(name, { dtype, shape, data: toTyped(dtype, raw, count) });
  }
  return { tensors, metadata: (header.__metadata__ as Record<string, string>) ?? {} };
}

function toTyped(
  dtype: SafetensorsDtype,
  raw: Uint8Array,
  count: number,
): Float32Array | Int32Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case 'F32':
      return new Float32Array(raw.buffer, raw.byteOffset, count);
    case 'I32':
      return new Int32Array(raw.buffer, raw.byteOffset, count);
    case 'F64':
      return Float32Array.from({ length: count }, (_, i) => dv.getFloat64(i * 8, true));
    case 'I64':
      return Int32Array.from({ length: count }, (_, i) => Number(dv.getBigInt64(i * 8, true)));
    case 'F16':
      return Float32Array.from({ length: count }, (_, i) => halfToFloat(dv.getUint16(i * 2, true)));
    case 'U8':
    case 'BOOL':
      return Float32Array.from(raw);
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
