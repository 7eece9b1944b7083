/** Shapes and axes the Sum and Mean tests share: the pooled path and every fallback. */
export const reductionCases: { shape: number[]; axis: number | number[]; keepDims?: boolean }[] = [
  { shape: [8, 9, 7, 5], axis: [0, 1, 2] }, // per-channel statistics: the pooled path
  { shape: [8, 9, 7, 5], axis: [0, 1, 2], keepDims: true },
  { shape: [4, 6, 3], axis: 1 }, // a middle axis
  { shape: [4, 6, 3], axis: [-3, -2] },
  { shape: [6, 5], axis: 0 },
  { shape: [4, 6, 3], axis: 2 }, // last axis: tfjs-wasm's kernel
  { shape: [4, 6, 3], axis: [0, 2] }, // not contiguous: tfjs-wasm's kernel
  { shape: [4, 1, 3], axis: 1 }, // nothing to pool
  { shape: [3, 4, 5], axis: [0, 1, 2] },
  { shape: [64, 64, 64, 8], axis: [0, 1, 2] }, // a long sum (262144 terms)
];
