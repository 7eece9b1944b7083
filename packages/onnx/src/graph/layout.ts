/** Axis orders between tfjs's NHWC and the graph's NCHW. */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/**
 * Reorders the axes of row-major `data` of shape `dims`: output axis i is
 * input axis perm[i] (numpy's transpose). Used on weights at export time,
 * e.g. tfjs's HWIO conv filters to ONNX's OIHW.
 */
export function permute(
  data: Float32Array,
  dims: readonly number[],
  perm: readonly number[],
): { data: Float32Array; dims: number[] } {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = strides(dims);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  const step = perm.map((p) => inStrides[p]!);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src]!;
    // Odometer over the output index, moving the source offset along.
    for (let a = rank - 1; a >= 0; a--) {
      index[a]!++;
      src += step[a]!;
      if (index[a]! < outDims[a]!) break;
      src -= step[a]! * outDims[a]!;
      index[a] = 0;
    }
  }
  return { data: out, dims: outDims };
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}
