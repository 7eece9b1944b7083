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

export const packageName = '@spikedistill/onnx';
