import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Module } from '../nn/module.js';
import { tf } from '../tf.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadModule, loadState, saveModule } from './state-dict.js';

class Pair extends Module {
  readonly w = this.param('w', tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
  readonly mean = this.buffer('mean', tf.tensor1d([0.5, -0.5]));
}

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
