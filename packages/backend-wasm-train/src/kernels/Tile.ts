import { tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import { offsetOf, originalKernel, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * Builds the output from the inside out: each input slice along an axis is
 * written once and then repeated by doubling memmoves. tfjs-backend-wasm
 * 4.22's Tile computes every output element's source index (~150 ms to tile
 * a [1,1,1,32] scale to [8,64,64,32], which batch norm's gradient does once
 * per layer); this is memory speed.
 */
export function tileInto(backend: WasmBackend, x: TensorInfo, reps: number[]): TensorInfo {
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  // Neighbouring axes that are not repeated act as one: [1,8,64,64,1] tiled by
  // [4,1,1,1,1] is [1, 32768] by [4, 1], one copy and two doublings, not 32768
  // four-byte copies.
  const shape: number[] = [];
  const times: number[] = [];
  x.shape.forEach((d, i) => {
    const r = reps[i]!;
    const last = shape.length - 1;
    if (r === 1 && last >= 0 && times[last] === 1) shape[last]! *= d;
    else {
      shape.push(d);
      times.push(r);
    }
  });
  const rank = shape.length;
  const bytes = tf.util.bytesPerElement(x.dtype);
  const heap = backend.wasm.HEAPU8;
  const src0 = offsetOf(backend, x);
  const dst0 = offsetOf(backend, out);
  const xStrides = [...tf.util.computeStrides(shape), 1];
  // Output bytes taken by one input slice along each axis (with its inner repeats).
  const blockBytes = new Array<number>(rank + 1);
  blockBytes[rank] = bytes;
  for (let a = rank - 1; a >= 0; a--) blockBytes[a] = blockBytes[a + 1]! * shape[a]! * times[a]!;

  const repeat = (start: number, length: number, count: number) => {
    let filled = length;
    const total = length * count;
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      heap.copyWithin(start + filled, start, start + n);
      filled += n;
    }
  };
  const fill = (axis: number, src: number, dst: number) => {
    const inner = blockBytes[axis + 1]!;
    const dim = shape[axis]!;
    if (axis === rank - 1) {
      heap.copyWithin(dst, src, src + dim * bytes);
    } else {
      for (let i = 0; i < dim; i++)
        fill(axis + 1, src + i * xStrides[axis]! * bytes, dst + i * inner);
    }
    repeat(dst, dim * inner, times[axis]!);
  };
  if (rank === 0) heap.copyWithin(dst0, src0, src0 + bytes);
  else fill(0, src0, dst0);
  return out;
}

export function tile(args: {
  inputs: { x: TensorInfo };
  backend: WasmBackend;
  attrs: TileAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype === 'string') {
    const original = originalKernel('Tile');
    if (!original) throw new Error('wasm Tile: string tensors need the original kernel');
    return original(args as never) as TensorInfo;
  }
  return tileInto(backend, x, attrs.reps);
}

export const tileConfig: KernelConfig = {
  kernelName: 'Tile',
  backendName: WASM,
  kernelFunc: tile as unknown as KernelFunc,
};
