import { tf } from '@spikedistill/core';
import type {
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { runNativeConvPass } from '../native/native-conv.js';
import { depthToSpaceNhwc } from './DepthToSpace.js';
import {
  disposeAll,
  f32View,
  originalKernel,
  runKernel,
  WASM,
  type WasmBackend,
} from './wasm-backend.js';

/**
 * One output phase of dx along one axis. With stride s, dx[s·a + r] only
 * receives taps k ≡ r + pad (mod s): dx[s·a + r] = Σ_t dy[a + t] · w[r + pad − s·t].
 * Every phase is then a stride-1 correlation of dy; all phases share the
 * window t ∈ [tMin, tMin + taps) so they can be one convolution.
 */
interface AxisPlan {
  stride: number;
  /** Filter taps per phase (the window length). */
  taps: number;
  tMin: number;
  /** Output rows per phase, ceil(in / s). */
  rows: number;
  padBefore: number;
  padAfter: number;
  /** Original filter tap for (phase r, window position u), or -1. */
  tap(r: number, u: number): number;
}

function planAxis(
  inSize: number,
  outSize: number,
  filter: number,
  stride: number,
  pad: number,
): AxisPlan | null {
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < stride; r++) {
    // taps k = r + pad − s·t with 0 ≤ k < filter
    tMin = Math.min(tMin, Math.ceil((r + pad - filter + 1) / stride));
    tMax = Math.max(tMax, Math.floor((r + pad) / stride));
  }
  const taps = tMax - tMin + 1;
  const rows = Math.ceil(inSize / stride);
  const padBefore = -tMin;
  // dy rows read: a + t for a < rows, t ≤ tMax
  const padAfter = rows - 1 + tMax - (outSize - 1);
  if (padBefore < 0 || padAfter < 0 || taps < 1) return null;
  return {
    stride,
    taps,
    tMin,
    rows,
    padBefore,
    padAfter,
    tap: (r, u) => {
      const k = r + pad - stride * (u + tMin);
      return k >= 0 && k < filter ? k : -1;
    },
  };
}

/**
 * The filter of the phase convolution: [tapsH, tapsW, Co, s_h·s_w·Ci], output
 * channels ordered (phase row, phase col, ci) as DepthToSpace expects.
 */
function phaseFilter(
  backend: WasmBackend,
  filter: TensorInfo,
  rowsPlan: AxisPlan,
  colsPlan: AxisPlan,
): TensorInfo {
  const [, fw, ci, co] = filter.shape as [number, number, number, number];
  const sh = rowsPlan.stride;
  const sw = colsPlan.stride;
  const outC = sh * sw * ci;
  const out = backend.makeOutput([rowsPlan.taps, colsPlan.taps, co, outC], 'float32');
  const w = f32View(backend, filter);
  const f = f32View(backend, out);
  f.fill(0);
  for (let rh = 0; rh < sh; rh++) {
    for (let uh = 0; uh < rowsPlan.taps; uh++) {
      const kh = rowsPlan.tap(rh, uh);
      if (kh < 0) continue;
      for (let rw = 0; rw < sw; rw++) {
        for (let uw = 0; uw < colsPlan.taps; uw++) {
          const kw = colsPlan.tap(rw, uw);
          if (kw < 0) continue;
          const phase = (rh * sw + rw) * ci;
          const dst = (uh * colsPlan.taps + uw) * co * outC;
          const src = (kh * fw + kw) * ci * co;
          for (let i = 0; i < ci; i++) {
            for (let o = 0; o < co; o++) f[dst + o * outC + phase + i] = w[src + i * co + o]!;
          }
        }
      }
    }
  }
  return out;
}

/**
 * dx of a convolution (also the forward pass of a transposed convolution) as
 * a forward convolution of dy with the rotated, transposed filter, which runs
 * on XNNPACK. A stride s > 1 is split into s² phases that share one
 * convolution (one output channel group each) and are interleaved by
 * DepthToSpace, so no zeros are inserted into dy.
 */
export function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const rowsPlan = planAxis(
    info.inHeight,
    info.outHeight,
    info.filterHeight,
    info.strideHeight,
    info.padInfo.top,
  );
  const colsPlan = planAxis(
    info.inWidth,
    info.outWidth,
    info.filterWidth,
    info.strideWidth,
    info.padInfo.left,
  );
  const phased =
    format === 'channelsLast' &&
    rowsPlan !== null &&
    colsPlan !== null &&
    info.strideHeight === info.strideWidth;
  // Native dx (nativeConv): stride 1 as one native conv; strided layers keep
  // the phases below, whose one convolution then runs natively (measured
  // faster than ONNX Runtime's ConvTranspose, which the native pass uses
  // only for geometry the phases do not cover).
  if (format === 'channelsLast' && !(phased && info.strideHeight > 1)) {
    const native = runNativeConvPass('inputGrad', backend, info, [dy, filter], inputShape);
    if (native) return native;
  }
  if (!phased || !rowsPlan || !colsPlan) {
    // NCHW, padding wider than the filter (explicit pads only) or unequal
    // strides (DepthToSpace interleaves square blocks): tfjs's own kernel.
    const original = originalKernel('Conv2DBackpropInput');
    if (!original) throw new Error('wasm Conv2DBackpropInput: unsupported arguments');
    return original(args as never) as TensorInfo;
  }
  const { batchSize: n, inChannels: ci } = info;
  const w = phaseFilter(backend, filter, rowsPlan, colsPlan);
  const sh = rowsPlan.stride;
  const sw = colsPlan.stride;
  const phases = runKernel(
    'Conv2D',
    { x: dy, filter: w },
    {
      strides: 1,
      dilations: 1,
      pad: [
        [0, 0],
        [rowsPlan.padBefore, rowsPlan.padAfter],
        [colsPlan.padBefore, colsPlan.padAfter],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    } as never,
    backend,
  );
  disposeAll(backend, w);
  if (sh === 1 && sw === 1) return phases;
  const full = depthToSpaceNhwc(backend, phases, sh);
  disposeAll(backend, phases);
  if (full.shape[1] === info.inHeight && full.shape[2] === info.inWidth) return full;
  const dx = runKernel(
    'Slice',
    { x: full },
    { begin: [0, 0, 0, 0], size: [n, info.inHeight, info.inWidth, ci] },
    backend,
  );
  disposeAll(backend, full);
  return dx;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: WASM,
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
