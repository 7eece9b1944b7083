export { charbonnierLoss } from './charbonnier.js';
export { type CompositeLoss, composeLosses, createLosses } from './compose.js';
export { dft2d, fftLoss } from './fft.js';
export { l1Loss } from './l1.js';
export { mseLoss } from './mse.js';
