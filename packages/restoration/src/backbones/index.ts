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
