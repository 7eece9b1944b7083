export {
  type Image8Options,
  image8Options,
  lumaBt601,
  type Planes,
  to8bit,
  toPlanes8,
} from './image8.js';
export { psnr8, psnrMetric, psnrOfPlanes } from './psnr.js';
export { ssim8, ssimMetric, ssimOfPlanes, ssimPlane } from './ssim.js';
