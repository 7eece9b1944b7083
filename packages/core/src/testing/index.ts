export { type ConformanceCheck, type ConformanceOptions, conformance } from './conformance.js';
export { expectNoLeaks } from './leaks.js';
