export { dft2d, fftLoss } from './fft.js';
