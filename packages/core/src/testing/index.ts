export { type ConformanceCheck, type ConformanceOptions, conformance } from './conformance.js';
export { expectNoLeaks } from './leaks.js';
export { type StrategyConformanceOptions, strategyConformance } from './strategy-conformance.js';
export { expectedTapShape, tapsCheck } from './tap-check.js';
