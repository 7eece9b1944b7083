import { SpikedistillError } from '../errors.js';

/**
 * safetensors, the weight format the ML world shares: 8-byte little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets}}` (plus an
 * optional `__metadata__` of strings), then the raw little-endian data.
 */
const bytesPer = {
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
export type SafetensorsDtype = keyof typeof bytesPer;

export interface RawTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /**
   * Signed integers (I64, I32, I16, I8) as int32; every other dtype as
   * float32 (U8 and BOOL are masks and images, which tfjs wants as floats).
   */
  data: Float32Array | Int32Array;
}

/** What `encodeSafetensors` takes: float32 tensors are stored as F32, int32 ones as I32, int8 as I8. */
export interface TensorData {
  shape: readonly number[];
  data: Float32Array | Int32Array | Int8Array;
}

// A corrupt length field must not make us allocate or parse gigabytes of "header".
const MAX_HEADER = 100 * 1024 * 1024;

/** Encodes tensors (a Map or [name, tensor] pairs) in name order, so equal states give equal bytes. */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, TensorData]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const byName = new Map<string, TensorData>();
  for (const [name, t] of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new SpikedistillError(
        'E_WEIGHTS',
        `Tensor '${name}': shape [${t.shape}] needs ${size} values, got ${t.data.length}`,
      );
    }
    if (byName.has(name)) {
      throw new SpikedistillError('E_WEIGHTS', `Tensor '${name}' is given twice`);
    }
    byName.set(name, t);
  }
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = [...byName.keys()].sort();
  for (const name of names) {
    const t = byName.get(name)!;
    const size = t.data.byteLength;
    header[name] = {
      dtype: t.data instanceof Int32Array ? 'I32' : t.data instanceof Int8Array ? 'I8' : 'F32',
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
  // Typed arrays are in platform order, and every platform tfjs runs on is little-endian.
  for (const name of names) {
    const { data } = byName.get(name)!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/** Parses safetensors bytes; every inconsistency is an error naming `source` and the tensor. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): DecodedSafetensors {
  const fail = (why: string, cause?: unknown): never => {
    throw new SpikedistillError(
      'E_WEIGHTS',
      `${source}: not a valid safetensors file: ${why}`,
      cause === undefined ? undefined : { cause },
    );
  };
  if (bytes.length < 8) fail(`too short (only ${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
    fail(
      `header length ${headerLength} does not fit in the file (${bytes.length} bytes): not safetensors, or truncated`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  } catch (err) {
    return fail(`header is not JSON (${(err as Error).message})`, err);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    fail(`header is ${JSON.stringify(header)}, not an object of tensors`);
  const meta = header.__metadata__;
  if (
    meta !== undefined &&
    (!meta ||
      typeof meta !== 'object' ||
      Array.isArray(meta) ||
      Object.values(meta).some((v) => typeof v !== 'string'))
  )
    fail('__metadata__ must be an object of strings');
  const spans: Array<{ name: string; begin: number; end: number }> = [];
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, RawTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: [number, number] };
    if (!e || typeof e.dtype !== 'string' || !(e.dtype in bytesPer)) {
      fail(
        `tensor '${name}' has unsupported dtype ${JSON.stringify(e?.dtype)}; supported: ${Object.keys(bytesPer).join(', ')}`,
      );
    }
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor '${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const shape = e.shape as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    const offsets = e.data_offsets as unknown;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o))
    )
      fail(
        `tensor '${name}' has data offsets ${JSON.stringify(offsets)}; expected [begin, end], two whole numbers`,
      );
    const [begin, end] = offsets as [number, number];
    const where = `tensor '${name}' (${dtype} [${shape}]) has data offsets [${begin}, ${end}] that do not fit`;
    if (!(begin >= 0 && end >= begin && end <= dataLength)) {
      fail(`${where}: outside the data (${dataLength} bytes)`);
    }
    if (end - begin !== count * bytesPer[dtype]) {
      fail(`${where}: it needs ${count * bytesPer[dtype]} bytes, the offsets give ${end - begin}`);
    }
    // Copy into a buffer of its own (aligned at 0): offsets in the file need not be
    // aligned, and Buffer#slice would return a view into the file's bytes.
    const raw = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { dtype, shape, data: toTyped(dtype, raw, count) });
    spans.push({ name, begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = [spans[i - 1]!, spans[i]!];
    if (b.begin < a.end && b.end > b.begin)
      fail(
        `tensors '${a.name}' [${a.begin}, ${a.end}] and '${b.name}' [${b.begin}, ${b.end}] overlap`,
      );
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  return { tensors, metadata };
}

function toTyped(
  dtype: SafetensorsDtype,
  raw: Uint8Array,
  count: number,
): Float32Array | Int32Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const floats = (read: (i: number) => number) =>
    Float32Array.from({ length: count }, (_, i) => read(i));
  const ints = (read: (i: number) => number) =>
    Int32Array.from({ length: count }, (_, i) => read(i));
  switch (dtype) {
    case 'F32':
      return new Float32Array(raw.buffer, raw.byteOffset, count);
    case 'I32':
      return new Int32Array(raw.buffer, raw.byteOffset, count);
    case 'F64':
      return floats((i) => dv.getFloat64(i * 8, true));
    case 'F16':
      return floats((i) => halfToFloat(dv.getUint16(i * 2, true)));
    case 'BF16':
      // bfloat16 is the top half of a float32.
      return floats((i) => bfloatToFloat(dv.getUint16(i * 2, true)));
    case 'I64':
      return ints((i) => Number(dv.getBigInt64(i * 8, true)));
    case 'I16':
      return ints((i) => dv.getInt16(i * 2, true));
    case 'I8':
      return ints((i) => dv.getInt8(i));
    case 'U8':
    case 'BOOL':
      return Float32Array.from(raw);
  }
}

const bfloatScratch = new DataView(new ArrayBuffer(4));
function bfloatToFloat(b: number): number {
  bfloatScratch.setUint32(0, b << 16);
  return bfloatScratch.getFloat32(0);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
