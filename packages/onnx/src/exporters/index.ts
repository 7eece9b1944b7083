import { alifExporter } from './alif.js';
import { annConvBlockExporter } from './ann-conv-block.js';
import { batchNormExporter } from './batch-norm.js';
import { channelLayerNormExporter } from './channel-layer-norm.js';
import { conv2dExporter } from './conv2d.js';
import { convTranspose2x2Exporter } from './conv-transpose2x2.js';
import { depthwiseConv2dExporter } from './depthwise-conv2d.js';
import { dncnnExporter } from './dncnn.js';
import type { LayerExporter } from './exporter.js';
import { leakyExporter } from './leaky.js';
import { lifExporter } from './lif.js';
import { plifExporter } from './plif.js';
import { restormerLiteExporter } from './restormer-lite.js';
import { spikingConvBlockExporter } from './spiking-conv-block.js';
import { spikingDncnnExporter } from './spiking-dncnn.js';
import { spikingUnetExporter } from './spiking-unet.js';
import { unetExporter } from './unet.js';

export { ExportContext, type ParamData, type RecordedTap } from './context.js';
export {
  defineExporter,
  type LayerClass,
  type LayerExporter,
  type Role,
  type Roles,
} from './exporter.js';
export { ExporterRegistry } from './registry.js';
export { chargeLif, fire, fireStrict, resetLif, unrollNeuron } from './neuron-dynamics.js';

/** Every layer this package can write, one exporter per layer class. */
export const builtinExporters: readonly LayerExporter[] = [
  conv2dExporter,
  batchNormExporter,
  convTranspose2x2Exporter,
  depthwiseConv2dExporter,
  channelLayerNormExporter,
  lifExporter,
  plifExporter,
  alifExporter,
  leakyExporter,
  spikingConvBlockExporter,
  annConvBlockExporter,
  dncnnExporter,
  unetExporter,
  restormerLiteExporter,
  spikingDncnnExporter,
  spikingUnetExporter,
];
