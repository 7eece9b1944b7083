import { describe, expect, it } from 'vitest';
import { loadRuntime, NativeSession } from './ort-session.js';

const runtime = loadRuntime();

describe.skipIf(!runtime.ok)('NativeSession (onnxruntime-node, synchronous)', () => {
  const modules = runtime.ok ? runtime.modules : (undefined as never);
  // y = x·2 + b, x [2, 3], b [3]: a hand-checkable model with two inputs.
  const graph = {
    inputs: [
      { name: 'x', shape: [2, 3] },
      { name: 'b', shape: [3] },
    ],
    outputs: [{ name: 'y', shape: [2, 3] }],
    nodes: [
      { op: 'Mul', inputs: ['x', 'two'], outputs: ['x2'] },
      { op: 'Add', inputs: ['x2', 'b'], outputs: ['y'] },
    ],
    constants: [{ name: 'two', float32: new Float32Array([2]), dims: [] }],
  };

  it('loads once and says which version', () => {
    expect(loadRuntime()).toBe(runtime);
    expect(runtime.ok && runtime.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs synchronously, writing into the output it is given', () => {
    const session = new NativeSession(modules, graph, 1);
    const y = new Float32Array(6);
    session.run([new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([10, 20, 30])], [y]);
    expect(Array.from(y)).toEqual([12, 24, 36, 18, 30, 42]);
    session.dispose();
  });

  it('reads and writes views into a larger buffer in place', () => {
    const session = new NativeSession(modules, graph, 1);
    const heap = new Float32Array(32);
    heap.set([1, 2, 3, 4, 5, 6], 3);
    heap.set([1, 1, 1], 12);
    session.run([heap.subarray(3, 9), heap.subarray(12, 15)], [heap.subarray(20, 26)]);
    expect(Array.from(heap.subarray(20, 26))).toEqual([3, 5, 7, 9, 11, 13]);
    expect(heap[19]).toBe(0);
    expect(heap[26]).toBe(0);
    session.dispose();
  });

  it('stages views of a SharedArrayBuffer (which the binding rejects) through copies', () => {
    const session = new NativeSession(modules, graph, 1);
    const heap = new Float32Array(new SharedArrayBuffer(32 * 4));
    heap.set([6, 5, 4, 3, 2, 1], 0);
    heap.set([0, 1, 2], 8);
    session.run([heap.subarray(0, 6), heap.subarray(8, 11)], [heap.subarray(16, 22)]);
    expect(Array.from(heap.subarray(16, 22))).toEqual([12, 11, 10, 6, 5, 4]);
    session.dispose();
  });

  it('reports a model ONNX Runtime refuses as an error', () => {
    const bad = { ...graph, nodes: [{ op: 'NoSuchOp', inputs: ['x'], outputs: ['y'] }] };
    expect(() => new NativeSession(modules, bad, 1)).toThrow(/NoSuchOp/);
  });
});
