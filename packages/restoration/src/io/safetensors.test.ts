import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensors } from './safetensors.js';

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
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
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

  it('reads F32, F16, BF16, F64 and I64 tensors written by hand', () => {
    const f64 = [...new Uint8Array(new Float64Array([0.1]).buffer)];
    const bytes = build(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [2], data_offsets: [8, 12] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [12, 14] },
        d: { dtype: 'F64', shape: [], data_offsets: [14, 22] },
        n: { dtype: 'I64', shape: [], data_offsets: [22, 30] },
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
      data: Float32Array.from([42]),
    });
  });

  it('round-trips through a file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'st-'));
    const path = join(dir, 'w.safetensors');
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 7);
    await writeFile(path, encodeSafetensors([['x.y', { shape: [2, 3, 4], data }]]));
    const file = await readSafetensors(path);
    expect(file.tensors.get('x.y')).toEqual({ dtype: 'F32', shape: [2, 3, 4], data });
    expect((await readFile(path)).length % 8).toBe(0);
  });

  it('names the file and the tensor in every error', async () => {
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
    const notJson = new Uint8Array(16);
    new DataView(notJson.buffer).setBigUint64(0, 4n, true);
    expect(() => decodeSafetensors(notJson, 'junk.st')).toThrow(/junk\.st.*not JSON/);
    await expect(readSafetensors('/nonexistent/w.safetensors')).rejects.toThrow(
      /\/nonexistent\/w\.safetensors/,
    );
  });
});
