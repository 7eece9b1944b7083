import type { Registry } from '@spikedistill/core';

export { ExportError } from './errors.js';
export {
  type ExportOptions,
  exportOnnx,
  type GraphTensor,
  type OnnxModel,
  OPSET,
} from './export.js';
export * from './exporters/index.js';
export { type Attr, type Dim, float, GraphBuilder, type Value } from './graph/builder.js';
export { NCHW_TO_NHWC, NHWC_TO_NCHW, permute } from './graph/layout.js';
export {
  joinSteps,
  meanOverTime,
  repeatOverTime,
  splitSteps,
  temporalToNhwc,
  unmergeTime,
} from './graph/time.js';
export { decodeModel } from './proto/schema.js';

export { cachedExport, type CachedExport, defaultCacheDir, exportKey } from './frozen/cache.js';
export {
  createFrozenModel,
  type Engine,
  type FrozenForward,
  type FrozenModel,
  type FrozenModelOptions,
} from './frozen/frozen-model.js';
export { loadOnnxRuntime, type OnnxRuntime, type RuntimeLoad } from './runtime/ort.js';

export const packageName = '@spikedistill/onnx';

/** This package registers no plugins (export and engines are functions); here for the uniform package contract. */
export function register(registry: Registry): void {
  registry.use({ name: packageName, register: () => {} });
}
