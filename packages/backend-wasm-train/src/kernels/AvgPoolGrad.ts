import { tf } from '@spikedistill/core';
import type { AvgPoolGradAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tileInto } from './Tile.js';
import {
  disposeAll,
  f32View,
  originalKernel,
  view,
  WASM,
  type WasmBackend,
} from './wasm-backend.js';

/**
 * Windows that tile the input exactly (window = stride, no padding: the usual
 * 2×2 downsampling) spread each dy/k² over its window: a tile of the scaled
 * dy seen as [N, A, 1, B, 1, C] by [1, 1, k, 1, k, 1], which is dx's layout.
 * ~4× faster than tfjs-wasm's per-element kernel, which handles the rest.
 */
export function avgPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: WasmBackend;
  attrs: AvgPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
  );
  const { padInfo, filterHeight: kh, filterWidth: kw, strideHeight, strideWidth } = info;
  const exact =
    kh === strideHeight &&
    kw === strideWidth &&
    padInfo.top === 0 &&
    padInfo.left === 0 &&
    padInfo.bottom === 0 &&
    padInfo.right === 0 &&
    info.outHeight * kh === info.inHeight &&
    info.outWidth * kw === info.inWidth &&
    dy.dtype === 'float32';
  if (!exact) {
    const original = originalKernel('AvgPoolGrad');
    if (!original)
      throw new Error('wasm AvgPoolGrad: overlapping or padded windows need the original kernel');
    return original(args as never) as TensorInfo;
  }
  const { batchSize: n, outHeight: a, outWidth: b, inChannels: c } = info;
  const scaled = backend.makeOutput(dy.shape, 'float32');
  const from = f32View(backend, dy);
  const to = f32View(backend, scaled);
  const k = 1 / (kh * kw);
  for (let i = 0; i < from.length; i++) to[i] = from[i]! * k;
  const spread = tileInto(backend, view(scaled, [n, a, 1, b, 1, c]), [1, 1, kh, 1, kw, 1]);
  disposeAll(backend, scaled);
  return { ...spread, shape: input.shape };
}

export const avgPoolGradConfig: KernelConfig = {
  kernelName: 'AvgPoolGrad',
  backendName: WASM,
  kernelFunc: avgPoolGrad as unknown as KernelFunc,
};
