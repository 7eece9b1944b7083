import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadModule, loadState, readSafetensorsFile, saveModule } from './state-dict.js';

class Pair extends Module {
  readonly w = this.param('w', tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
  readonly mean = this.buffer('mean', tf.tensor1d([0.5, -0.5]));
}

/** safetensors bytes assembled by hand: header JSON, then the given data bytes. */
function build(header: object, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32le = (v: number) => [...new Uint8Array(new Float32Array([v]).buffer)];

describe('safetensors', () => {
  it('round-trips float32 and int32 tensors with metadata, 8-byte aligned', () => {
    const bytes = encodeSafetensors(
      new Map<string, { shape: number[]; data: Float32Array | Int32Array }>([
        ['b.weight', { shape: [2, 2], data: new Float32Array([1.5, -2, 3.25, 0]) }],
        ['a.count', { shape: [1], data: new Int32Array([7]) }],
      ]),
      { step: '12' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ step: '12' });
    expect(tensors.get('b.weight')).toMatchObject({ dtype: 'F32', shape: [2, 2] });
    expect([...tensors.get('b.weight')!.data]).toEqual([1.5, -2, 3.25, 0]);
    expect([...tensors.get('a.count')!.data]).toEqual([7]);
  });

  it('decodes F64, F16 and I64 written by other tools', () => {
    const header = JSON.stringify({
      d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
      h: { dtype: 'F16', shape: [2], data_offsets: [8, 12] },
      l: { dtype: 'I64', shape: [1], data_offsets: [12, 20] },
    });
    const head = Buffer.from(header);
    const bytes = new Uint8Array(8 + head.length + 20);
    const dv = new DataView(bytes.buffer);
    dv.setBigUint64(0, BigInt(head.length), true);
    bytes.set(head, 8);
    const at = 8 + head.length;
    dv.setFloat64(at, 0.1, true);
    dv.setUint16(at + 8, 0x3c00, true); // 1.0 in half precision
    dv.setUint16(at + 10, 0xc000, true); // -2.0
    dv.setBigInt64(at + 12, 42n, true);
    const { tensors } = decodeSafetensors(bytes);
    expect(tensors.get('d')!.data[0]).toBeCloseTo(0.1, 7);
    expect([...tensors.get('h')!.data]).toEqual([1, -2]);
    expect([...tensors.get('l')!.data]).toEqual([42]);
  });

  it('writes the documented layout: u64 LE header size, JSON header padded to 8, LE data', () => {
    const bytes = encodeSafetensors(
      [
        ['a', { shape: [2], data: Float32Array.from([1.5, -2]) }],
        ['b.c', { shape: [1, 1], data: Int32Array.from([7]) }],
      ],
      { arch: 'x' },
    );
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { arch: 'x' },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      'b.c': { dtype: 'I32', shape: [1, 1], data_offsets: [8, 12] },
    });
    expect(view.getFloat32(8 + n, true)).toBe(1.5);
    expect(view.getFloat32(8 + n + 4, true)).toBe(-2);
    expect(view.getInt32(8 + n + 8, true)).toBe(7);
    expect(bytes.length).toBe(8 + n + 12);
  });

  it('refuses to encode a tensor whose data does not fill its shape', () => {
    expect(() => encodeSafetensors([['w', { shape: [2, 2], data: new Float32Array(3) }]])).toThrow(
      "Tensor 'w': shape [2,2] needs 4 values, got 3",
    );
  });

  it('reads F32, F16, BF16, F64, I64, I16 and I8 tensors written by hand', () => {
    const f64 = [...new Uint8Array(new Float64Array([0.1]).buffer)];
    const bytes = build(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [2], data_offsets: [8, 12] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [12, 14] },
        d: { dtype: 'F64', shape: [], data_offsets: [14, 22] },
        n: { dtype: 'I64', shape: [], data_offsets: [22, 30] },
        s: { dtype: 'I16', shape: [1], data_offsets: [30, 32] },
        c: { dtype: 'I8', shape: [2], data_offsets: [32, 34] },
      },
      [
        ...f32le(3.25),
        ...f32le(-1),
        // F16 1.0 = 0x3c00, -2.5 = 0xc100
        0x00,
        0x3c,
        0x00,
        0xc1,
        // BF16 of 1.5 = 0x3fc0
        0xc0,
        0x3f,
        ...f64,
        // I64 42
        42,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        // I16 -300 = 0xfed4
        0xd4,
        0xfe,
        // I8 -1, 5
        0xff,
        0x05,
      ],
    );
    const file = decodeSafetensors(bytes, 'hand.safetensors');
    expect(file.metadata).toEqual({ format: 'pt' });
    expect([...file.tensors.get('w')!.data]).toEqual([3.25, -1]);
    expect([...file.tensors.get('h')!.data]).toEqual([1, -2.5]);
    expect([...file.tensors.get('b')!.data]).toEqual([1.5]);
    expect(file.tensors.get('d')!.data[0]).toBeCloseTo(0.1, 7);
    expect(file.tensors.get('n')).toEqual({
      dtype: 'I64',
      shape: [],
      data: Int32Array.from([42]),
    });
    expect(file.tensors.get('s')!.data).toEqual(Int32Array.from([-300]));
    expect(file.tensors.get('c')!.data).toEqual(Int32Array.from([-1, 5]));
  });

  it('round-trips through a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-st-'));
    const path = join(dir, 'w.safetensors');
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 7);
    writeFileSync(path, encodeSafetensors([['x.y', { shape: [2, 3, 4], data }]]));
    const file = readSafetensorsFile(path);
    expect(file.tensors.get('x.y')).toEqual({ dtype: 'F32', shape: [2, 3, 4], data });
    expect(readFileSync(path).length % 8).toBe(0);
    expect(() => readSafetensorsFile('/nonexistent/w.safetensors')).toThrow(
      /\/nonexistent\/w\.safetensors/,
    );
  });

  it('names the file and the tensor in every error', () => {
    expect(() => decodeSafetensors(new Uint8Array(4), 'tiny.st')).toThrow(/tiny\.st.*too short/);
    const truncated = build({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32le(1));
    expect(() => decodeSafetensors(truncated, 'cut.st')).toThrow(/cut\.st.*'w'.*outside/);
    const wrongSize = build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, [
      ...f32le(1),
      ...f32le(2),
    ]);
    expect(() => decodeSafetensors(wrongSize, 'size.st')).toThrow(/size\.st.*'w'.*needs 12 bytes/);
    const badType = build({ w: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, f32le(1));
    expect(() => decodeSafetensors(badType, 'type.st')).toThrow(/type\.st.*'w'.*C64/);
    const badShape = build({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32le(1));
    expect(() => decodeSafetensors(badShape, 'shape.st')).toThrow(
      /shape\.st.*'w' has an invalid shape \[-1\]/,
    );
    const hugeHeader = new Uint8Array(16);
    new DataView(hugeHeader.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(hugeHeader, 'huge.st')).toThrow(
      /huge\.st.*header length \d+ does not fit/,
    );
  });

  it('rejects truncated and inconsistent files, naming the file and tensor', () => {
    expect(() => decodeSafetensors(new Uint8Array(3), 'x.safetensors')).toThrow(
      /x\.safetensors: .*only 3 bytes/,
    );
    const good = encodeSafetensors(new Map([['w', { shape: [4], data: new Float32Array(4) }]]));
    expect(() => decodeSafetensors(good.slice(0, good.length - 4), 'cut.safetensors')).toThrow(
      /cut\.safetensors: .*tensor 'w' .*do not fit/,
    );
    const junk = new Uint8Array(16);
    new DataView(junk.buffer).setBigUint64(0, 8n, true);
    expect(() => decodeSafetensors(junk, 'junk.safetensors')).toThrow(/header is not JSON/);
  });

  it('reads F32 data that is not 4-byte aligned in a Node Buffer', () => {
    // A one-byte tensor first puts the F32 tensor at an odd offset.
    const bytes = build(
      {
        a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
        b: { dtype: 'F32', shape: [2], data_offsets: [1, 9] },
      },
      [7, ...f32le(1.5), ...f32le(-2)],
    );
    const { tensors } = decodeSafetensors(Buffer.from(bytes), 'odd.safetensors');
    expect([...tensors.get('b')!.data]).toEqual([1.5, -2]);
  });

  it('refuses a null header, string, fractional and overlapping offsets by name', () => {
    const fails = (header: unknown, data: number[], why: RegExp) =>
      expect(() => decodeSafetensors(build(header as object, data), 'w.safetensors')).toThrow(why);
    fails(null, [], /w\.safetensors: not a valid safetensors file: header is null, not an object/);
    fails(
      { a: { dtype: 'F32', shape: [1], data_offsets: ['0', '4'] } },
      f32le(1),
      /tensor 'a' has data offsets \["0","4"\]/,
    );
    fails(
      { a: { dtype: 'U8', shape: [1], data_offsets: [0.5, 1.5] } },
      [1, 2],
      /tensor 'a' has data offsets \[0.5,1.5\]/,
    );
    fails(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] },
      },
      [...f32le(1), ...f32le(2)],
      /tensors 'a' \[0, 4\] and 'b' \[2, 6\] overlap/,
    );
    fails({ __metadata__: { step: 3 } }, [], /__metadata__ must be an object of strings/);
  });

  it('saves and loads a module, and names mismatching tensors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-st-'));
    const a = new Pair();
    const path = join(dir, 'pair.safetensors');
    saveModule(a, path);
    const b = new Pair();
    b.w.assign(tf.zeros([2, 3]));
    loadModule(b, path);
    expect([...b.w.dataSync()]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() =>
      loadState(b, new Map([['w', { shape: [3, 2], data: new Float32Array(6) }]]), {
        source: 'bad.st',
      }),
    ).toThrow(
      "bad.st: tensor 'w' has shape [3,2], the model expects [2,3]; missing tensor 'mean' (shape [2])",
    );
    expect(() =>
      loadState(
        b,
        new Map([
          ['w', { shape: [2, 3], data: new Float32Array(6) }],
          ['mean', { shape: [2], data: new Float32Array(2) }],
          ['extra', { shape: [1], data: new Float32Array(1) }],
        ]),
      ),
    ).toThrow(/unexpected tensor 'extra'/);
    writeFileSync(join(dir, 'empty.safetensors'), '');
    expect(() => loadModule(b, join(dir, 'empty.safetensors'))).toThrow(
      /empty\.safetensors: not a valid/,
    );
    a.dispose();
    b.dispose();
  });
});
