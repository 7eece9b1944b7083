import type { NoiseModel } from './noise/noise-model.js';
import type { ImageSource } from './sources/image-source.js';

// The kinds this package adds, so `registry.create('noise', …)` is typed.
declare module '@spikedistill/core' {
  interface KindMap {
    images: ImageSource;
    noise: NoiseModel;
  }
}
