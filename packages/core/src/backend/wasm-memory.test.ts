import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { activateWasm } from './wasm.js';

describe('wasm allocation guard', () => {
  it('a tensor the 4 GiB heap cannot hold is an E_MEMORY error, not a hang', async () => {
    await activateWasm();
    // 2^30 float32 values are 4 GiB: malloc cannot grow the heap that far.
    expect(() => tf.fill([2 ** 30], 1)).toThrow(/E_MEMORY|could not allocate 4096\.0 MiB/);
    // A size that fits the argument but not the heap: malloc returns 0.
    const wasm = (tf.findBackend('wasm') as unknown as { wasm: { _malloc(n: number): number } })
      .wasm;
    expect(() => wasm._malloc(2 ** 32 - 64)).toThrow(/could not allocate 4096\.0 MiB/);
    // The backend still works afterwards.
    const x = tf.add(tf.ones([4]), 1);
    expect([...x.dataSync()]).toEqual([2, 2, 2, 2]);
    x.dispose();
  });
});
