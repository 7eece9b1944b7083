export { BackboneModule, type TapSink } from './base.js';
export {
  DNCNN_TAPS,
  DnCNN,
  type DncnnOptions,
  dncnn,
  dncnnOptions,
  dncnnTapLayers,
} from './dncnn.js';
export {
  RestormerLite,
  type RestormerLiteOptions,
  restormerLite,
  restormerLiteOptions,
} from './restormer-lite.js';
export { UNet, type UnetOptions, unet, unetOptions, unetTapNames } from './unet.js';
export { HKD_NEURON, spikingOptions } from './spiking/options.js';
export { AnnConvBlock, type AnnConvBlockOptions } from './spiking/ann-block.js';
export { SpikingStudent, type StudentBlock } from './spiking/student.js';
export {
  SpikingDnCNN,
  type SpikingDncnnOptions,
  spikingDncnn,
  spikingDncnnOptions,
} from './spiking-dncnn.js';
export {
  SpikingUNet,
  type SpikingUnetOptions,
  spikingUnet,
  spikingUnetOptions,
} from './spiking-unet.js';
