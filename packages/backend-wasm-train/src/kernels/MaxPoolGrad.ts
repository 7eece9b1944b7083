import { tf } from '@spikedistill/core';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { f32View, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * Routes each dy to the first maximum of its window (row-major, padding never
 * wins), as the cpu backend and TensorFlow do. tfjs-backend-wasm 4.22's
 * kernel starts its running maximum at 0 instead of −∞, so a window whose
 * values are all negative sent its gradient to the wrong place.
 */
export function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: WasmBackend;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const out = backend.makeOutput(input.shape, 'float32');
  const dx = f32View(backend, out);
  const x = f32View(backend, input);
  const g = f32View(backend, dy);
  dx.fill(0);
  if (
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0 &&
    outHeight * 2 <= inHeight &&
    outWidth * 2 <= inWidth
  ) {
    // The usual 2×2 downsampling: windows do not overlap, each picks its
    // first maximum with three comparisons, and dx is written, not summed.
    const row = inWidth * c;
    let o = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++) {
          const p0 = ((b * inHeight + 2 * oh) * inWidth + 2 * ow) * c;
          const p1 = p0 + c;
          const p2 = p0 + row;
          const p3 = p2 + c;
          for (let ch = 0; ch < c; ch++, o++) {
            const v0 = x[p0 + ch]!;
            const v1 = x[p1 + ch]!;
            const v2 = x[p2 + ch]!;
            const v3 = x[p3 + ch]!;
            const at =
              v0 >= v1 && v0 >= v2 && v0 >= v3
                ? p0
                : v1 >= v2 && v1 >= v3
                  ? p1
                  : v2 >= v3
                    ? p2
                    : p3;
            dx[at + ch] = g[o]!;
          }
        }
      }
    }
    return out;
  }
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    const batchBase = b * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - top;
      const hStart = Math.max(0, h0);
      const hEnd = Math.min(inHeight, h0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - left;
        const wStart = Math.max(0, w0);
        const wEnd = Math.min(inWidth, w0 + filterWidth);
        if (hStart >= hEnd || wStart >= wEnd) {
          gi += c; // a window entirely in the padding has no input to route to
          continue;
        }
        // Seed with the window's first pixel, then keep strictly greater values:
        // the first maximum in row-major order wins, as on cpu.
        const first = batchBase + (hStart * inWidth + wStart) * c;
        for (let ch = 0; ch < c; ch++) {
          best[ch] = x[first + ch]!;
          where[ch] = first + ch;
        }
        for (let h = hStart; h < hEnd; h++) {
          for (let w = h === hStart ? wStart + 1 : wStart; w < wEnd; w++) {
            const base = batchBase + (h * inWidth + w) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++, gi++) {
          const at = where[ch]!;
          dx[at] = dx[at]! + g[gi]!;
        }
      }
    }
  }
  return out;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: WASM,
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
