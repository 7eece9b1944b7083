import { tf } from '@spikedistill/core';
import type { Conv2DAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runNativeConvPass } from '../native/native-conv.js';
import { originalKernel, WASM, type WasmBackend } from './wasm-backend.js';

/**
 * The forward convolution: on ONNX Runtime's native kernels when the
 * backend's `nativeConv` option routes it there (see src/native), otherwise
 * tfjs-backend-wasm's own (XNNPACK).
 */
export function conv2D(args: {
  inputs: { x: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs;
  if (tf.backend_util.convertConv2DDataFormat(attrs.dataFormat) === 'channelsLast') {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const native = runNativeConvPass('forward', backend, info, [x, filter], info.outShape);
    if (native) return native;
  }
  const original = originalKernel('Conv2D');
  if (!original) throw new Error('wasm Conv2D: tfjs-backend-wasm kernel not found');
  return original(args as never) as TensorInfo;
}

export const conv2DConfig: KernelConfig = {
  kernelName: 'Conv2D',
  backendName: WASM,
  kernelFunc: conv2D as unknown as KernelFunc,
};
