export { type DenoiseScore, denoiseScore } from './evaluate.js';
export { findShared } from './shared.js';
