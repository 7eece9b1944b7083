import { NCHWC_DOMAIN, type OnnxGraph, type OnnxNode } from './onnx-model.js';

/**
 * The three passes of a 2-D convolution as small ONNX graphs with tfjs's
 * layouts at the edges (x and dy NHWC, the filter HWIO = [kh, kw, Ci, Co]);
 * ONNX's Conv is NCHW/OIHW, so transposes sit inside the graph, where ONNX
 * Runtime fuses them into its own blocked layout. Each builder returns
 * undefined for geometry it does not cover; the caller then keeps the wasm
 * kernel.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  pad: { top: number; bottom: number; left: number; right: number };
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** HWIO → OIHW. */
const HWIO_TO_OIHW = [3, 2, 0, 1];

const xShape = (g: ConvGeometry) => [g.batch, g.inHeight, g.inWidth, g.inChannels];
const dyShape = (g: ConvGeometry) => [g.batch, g.outHeight, g.outWidth, g.outChannels];
const filterShape = (g: ConvGeometry) => [
  g.filterHeight,
  g.filterWidth,
  g.inChannels,
  g.outChannels,
];

/** The attributes ONNX Conv needs to read x as the forward pass did. */
function convAttrs(g: ConvGeometry) {
  return {
    kernel_shape: [g.filterHeight, g.filterWidth],
    strides: [g.strideHeight, g.strideWidth],
    dilations: [g.dilationHeight, g.dilationWidth],
    pads: [g.pad.top, g.pad.left, g.pad.bottom, g.pad.right],
  };
}

/**
 * ONNX's output size for this geometry equals tfjs's: false for a rounding
 * mode that adds a partial window, or negative padding.
 */
export function onnxAgrees(g: ConvGeometry): boolean {
  const { top, bottom, left, right } = g.pad;
  if (Math.min(top, bottom, left, right) < 0) return false;
  const out = (size: number, before: number, after: number, k: number, s: number, d: number) =>
    Math.floor((size + before + after - (d * (k - 1) + 1)) / s) + 1;
  return (
    out(g.inHeight, top, bottom, g.filterHeight, g.strideHeight, g.dilationHeight) ===
      g.outHeight &&
    out(g.inWidth, left, right, g.filterWidth, g.strideWidth, g.dilationWidth) === g.outWidth
  );
}

/**
 * The same convolution on ONNX Runtime's blocked-layout kernels (the NCHWc
 * ops its graph optimiser uses for constant weights; here the weight is an
 * input, reordered inside the graph): ReorderInput reads NHWC directly and
 * ReorderOutput writes NHWC, so no transposes; measured 1.4–1.8× the plain
 * Conv's speed on this machine. `filter` is [O, I, kh, kw]-shaped with its
 * data in MLAS's OIHWBiBo order; needs I and O multiples of the block.
 */
function blockedConv(
  input: string,
  filter: string,
  output: string,
  outChannels: number,
  attrs: Record<string, number[]>,
): OnnxNode[] {
  return [
    {
      op: 'ReorderInput',
      domain: NCHWC_DOMAIN,
      inputs: [input],
      outputs: [`${input}Blocked`],
      attrs: { channels_last: 1 },
    },
    {
      op: 'Conv',
      domain: NCHWC_DOMAIN,
      inputs: [`${input}Blocked`, filter],
      outputs: [`${output}Blocked`],
      attrs: { ...attrs, group: 1 },
    },
    {
      op: 'ReorderOutput',
      domain: NCHWC_DOMAIN,
      inputs: [`${output}Blocked`],
      outputs: [output],
      attrs: { channels: outChannels, channels_last: 1 },
    },
  ];
}

/**
 * Nodes that turn an HWIO weight [kh, kw, Ci, Co] (`w`) into the blocked
 * filter of a conv from `from` to `to` channels ('ci' → 'co' for the forward
 * pass, 'co' → 'ci' for dx), named `name`.
 */
function blockedFilter(
  g: ConvGeometry,
  w: string,
  name: string,
  block: number,
  direction: 'forward' | 'inputGrad',
): { nodes: OnnxNode[]; constants: NonNullable<OnnxGraph['constants']> } {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = g;
  // [kh, kw, Ci/B, B(ci), Co/B, B(co)] → [O/B, I/B, kh, kw, B(i), B(o)]
  const perm = direction === 'forward' ? [4, 2, 0, 1, 3, 5] : [2, 4, 0, 1, 5, 3];
  const oihw = direction === 'forward' ? [co, ci, kh, kw] : [ci, co, kh, kw];
  return {
    nodes: [
      { op: 'Reshape', inputs: [w, `${name}Split`], outputs: [`${name}6`] },
      { op: 'Transpose', inputs: [`${name}6`], outputs: [`${name}B`], attrs: { perm } },
      { op: 'Reshape', inputs: [`${name}B`, `${name}Oihw`], outputs: [name] },
    ],
    constants: [
      { name: `${name}Split`, int64: [kh, kw, ci / block, block, co / block, block] },
      { name: `${name}Oihw`, int64: oihw },
    ],
  };
}

const blockable = (g: ConvGeometry, block: number) =>
  block > 0 && g.inChannels % block === 0 && g.outChannels % block === 0;

/**
 * y = conv(x, w): inputs x, w; output y. With `block` (ONNX Runtime's NCHWc
 * block size, 0 when its blocked kernels are unavailable) and channel counts
 * that are multiples of it, on the blocked kernels.
 */
export function forwardGraph(g: ConvGeometry, block = 0): OnnxGraph | undefined {
  if (!onnxAgrees(g)) return undefined;
  if (blockable(g, block)) {
    const filter = blockedFilter(g, 'w', 'wb', block, 'forward');
    return {
      inputs: [
        { name: 'x', shape: xShape(g) },
        { name: 'w', shape: filterShape(g) },
      ],
      outputs: [{ name: 'y', shape: dyShape(g) }],
      nodes: [...filter.nodes, ...blockedConv('x', 'wb', 'y', g.outChannels, convAttrs(g))],
      constants: filter.constants,
    };
  }
  return {
    inputs: [
      { name: 'x', shape: xShape(g) },
      { name: 'w', shape: filterShape(g) },
    ],
    outputs: [{ name: 'y', shape: dyShape(g) }],
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xc'], attrs: { perm: NHWC_TO_NCHW } },
      { op: 'Transpose', inputs: ['w'], outputs: ['wc'], attrs: { perm: HWIO_TO_OIHW } },
      { op: 'Conv', inputs: ['xc', 'wc'], outputs: ['yc'], attrs: convAttrs(g) },
      { op: 'Transpose', inputs: ['yc'], outputs: ['y'], attrs: { perm: NCHW_TO_NHWC } },
    ],
  };
}

/**
 * dx = the adjoint of the forward conv applied to dy: inputs dy, w; output dx.
 * Stride 1: a plain convolution of dy with the filter rotated by 180° and its
 * channel axes swapped (ONNX Runtime's Conv is faster than its ConvTranspose,
 * measured). Otherwise ConvTranspose with the forward pads; output_padding
 * adds the rows and columns the forward pass never read (they get zero).
 */
export function inputGradGraph(g: ConvGeometry, block = 0): OnnxGraph | undefined {
  if (!onnxAgrees(g)) return undefined;
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = g;
  const io = {
    inputs: [
      { name: 'dy', shape: dyShape(g) },
      { name: 'w', shape: filterShape(g) },
    ],
    outputs: [{ name: 'dx', shape: xShape(g) }],
  };
  const toNchw: OnnxNode = {
    op: 'Transpose',
    inputs: ['dy'],
    outputs: ['dyc'],
    attrs: { perm: NHWC_TO_NCHW },
  };
  const toNhwc: OnnxNode = {
    op: 'Transpose',
    inputs: ['dxc'],
    outputs: ['dx'],
    attrs: { perm: NCHW_TO_NHWC },
  };
  // Padding of the flipped conv: what the forward window reached beyond dy.
  const flipped = [
    dh * (kh - 1) - g.pad.top,
    dw * (kw - 1) - g.pad.left,
    dh * (kh - 1) - g.pad.bottom,
    dw * (kw - 1) - g.pad.right,
  ];
  const flip: NonNullable<OnnxGraph['constants']> = [
    { name: 'last', int64: [-1, -1] },
    // With a negative step, a very negative end clamps to "before index 0".
    { name: 'beforeFirst', int64: [Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER] },
    { name: 'axes', int64: [0, 1] },
    { name: 'steps', int64: [-1, -1] },
  ];
  const stride1 = g.strideHeight === 1 && g.strideWidth === 1 && Math.min(...flipped) >= 0;
  if (stride1 && blockable(g, block)) {
    const filter = blockedFilter(g, 'wr', 'wb', block, 'inputGrad');
    return {
      ...io,
      nodes: [
        { op: 'Slice', inputs: ['w', 'last', 'beforeFirst', 'axes', 'steps'], outputs: ['wr'] },
        ...filter.nodes,
        ...blockedConv('dy', 'wb', 'dx', g.inChannels, {
          kernel_shape: [kh, kw],
          strides: [1, 1],
          dilations: [dh, dw],
          pads: flipped,
        }),
      ],
      constants: [...flip, ...filter.constants],
    };
  }
  if (stride1) {
    return {
      ...io,
      nodes: [
        toNchw,
        // w[kh−1−a, kw−1−b, ci, co]: a slice with step −1 on both spatial axes.
        { op: 'Slice', inputs: ['w', 'last', 'beforeFirst', 'axes', 'steps'], outputs: ['wr'] },
        // [kh, kw, Ci, Co] → [Ci, Co, kh, kw]: Ci outputs from Co inputs.
        { op: 'Transpose', inputs: ['wr'], outputs: ['wc'], attrs: { perm: [2, 3, 0, 1] } },
        {
          op: 'Conv',
          inputs: ['dyc', 'wc'],
          outputs: ['dxc'],
          attrs: { kernel_shape: [kh, kw], dilations: [dh, dw], pads: flipped },
        },
        toNhwc,
      ],
      constants: flip,
    };
  }
  // Rows the forward windows never reached, which the adjoint leaves at zero.
  const extra = (
    size: number,
    out: number,
    k: number,
    s: number,
    d: number,
    a: number,
    b: number,
  ) => size - ((out - 1) * s + d * (k - 1) + 1 - a - b);
  const extraH = extra(g.inHeight, g.outHeight, kh, g.strideHeight, dh, g.pad.top, g.pad.bottom);
  const extraW = extra(g.inWidth, g.outWidth, kw, g.strideWidth, dw, g.pad.left, g.pad.right);
  // ONNX requires output_padding < stride (or dilation).
  const fits = (e: number, s: number, d: number) => e >= 0 && e < Math.max(s, d);
  if (!fits(extraH, g.strideHeight, dh) || !fits(extraW, g.strideWidth, dw)) return undefined;
  return {
    ...io,
    nodes: [
      toNchw,
      // ConvTranspose's weight is [C_in of dy, C_out, kh, kw] = [Co, Ci, kh, kw]: OIHW of w.
      { op: 'Transpose', inputs: ['w'], outputs: ['wc'], attrs: { perm: HWIO_TO_OIHW } },
      {
        op: 'ConvTranspose',
        inputs: ['dyc', 'wc'],
        outputs: ['dxc'],
        attrs: { ...convAttrs(g), output_padding: [extraH, extraW] },
      },
      toNhwc,
    ],
  };
}

/**
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, ow·s + kw·d − pad, ci] · dy[n, oh, ow, co]
 * for `g.batch` images, one GEMM per filter tap: the tap's (strided) window
 * of the zero-padded x, NHWC as [N·Ho·Wo, Ci], times dyᵀ [Co, N·Ho·Wo] gives
 * that tap's [Co, Ci]. Staying in NHWC avoids transposing x; a few images
 * at a time keep the tap windows in cache (measured faster than one grouped
 * one-hot convolution building all im2col columns, and than one GEMM over
 * them). Inputs x, dy (and with `accumulate`, acc: dw = acc + this batch's);
 * output dw.
 */
export function filterGradGraph(
  g: ConvGeometry,
  _block = 0,
  accumulate = false,
): OnnxGraph | undefined {
  if (!onnxAgrees(g)) return undefined;
  const { batch: n, inChannels: ci, outChannels: co, filterHeight: kh, filterWidth: kw } = g;
  const rows = n * g.outHeight * g.outWidth;
  const nodes: OnnxNode[] = [
    { op: 'Pad', inputs: ['x', 'pads'], outputs: ['xp'] },
    { op: 'Reshape', inputs: ['dy', 'dyRows'], outputs: ['dy2'] },
    { op: 'Transpose', inputs: ['dy2'], outputs: ['dyT'], attrs: { perm: [1, 0] } },
  ];
  const constants: OnnxGraph['constants'] = [
    { name: 'pads', int64: [0, g.pad.top, g.pad.left, 0, 0, g.pad.bottom, g.pad.right, 0] },
    { name: 'dyRows', int64: [rows, co] },
    { name: 'xRows', int64: [rows, ci] },
    { name: 'spatial', int64: [1, 2] },
    { name: 'steps', int64: [g.strideHeight, g.strideWidth] },
    { name: 'first', int64: [0] },
    { name: 'filter', int64: [kh, kw, ci, co] },
  ];
  const taps: string[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const t = `${a}_${b}`;
      const top = a * g.dilationHeight;
      const left = b * g.dilationWidth;
      constants.push(
        { name: `from${t}`, int64: [top, left] },
        {
          name: `to${t}`,
          int64: [
            top + (g.outHeight - 1) * g.strideHeight + 1,
            left + (g.outWidth - 1) * g.strideWidth + 1,
          ],
        },
      );
      nodes.push(
        {
          op: 'Slice',
          inputs: ['xp', `from${t}`, `to${t}`, 'spatial', 'steps'],
          outputs: [`window${t}`],
        },
        { op: 'Reshape', inputs: [`window${t}`, 'xRows'], outputs: [`rows${t}`] },
        { op: 'MatMul', inputs: ['dyT', `rows${t}`], outputs: [`tap${t}`] },
        { op: 'Unsqueeze', inputs: [`tap${t}`, 'first'], outputs: [`one${t}`] },
      );
      taps.push(`one${t}`);
    }
  }
  nodes.push(
    { op: 'Concat', inputs: taps, outputs: ['byTap'], attrs: { axis: 0 } },
    // [taps, Co, Ci] → [taps, Ci, Co] → [kh, kw, Ci, Co]
    { op: 'Transpose', inputs: ['byTap'], outputs: ['byTapT'], attrs: { perm: [0, 2, 1] } },
    { op: 'Reshape', inputs: ['byTapT', 'filter'], outputs: [accumulate ? 'chunk' : 'dw'] },
  );
  // Over a batch in chunks: dw = acc + this chunk's (the caller alternates buffers)
  if (accumulate) nodes.push({ op: 'Add', inputs: ['acc', 'chunk'], outputs: ['dw'] });
  return {
    inputs: [
      { name: 'x', shape: xShape(g) },
      { name: 'dy', shape: dyShape(g) },
      ...(accumulate ? [{ name: 'acc', shape: filterShape(g) }] : []),
    ],
    outputs: [{ name: 'dw', shape: filterShape(g) }],
    nodes,
    constants,
  };
}
