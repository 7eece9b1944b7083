import type { Module } from '@spikedistill/core';
import { ChannelLayerNorm, Conv2d, DepthwiseConv2d } from '@spikedistill/nn';
import { RestormerLite } from '@spikedistill/restoration';
import type { GraphBuilder, Value } from '../graph/builder.js';
import type { ExportContext } from './context.js';
import { defineExporter } from './exporter.js';

/**
 * Restormer-lite: MDTA + GDFN transformer blocks on three levels,
 * pixel-unshuffle down, pixel-shuffle up. Its stages, blocks, attention
 * and feed-forward classes are private to the model, so they are written
 * here, addressed by their member names (the state-dict names).
 */
export const restormerLiteExporter = defineExporter({
  layer: RestormerLite,
  role: 'backbone',
  export(ctx, net, x) {
    const g = ctx.graph;
    const { heads, residual } = net.options;
    const conv = (name: string, v: Value) => ctx.layer(ctx.child(net, name, Conv2d), v);
    const stage = (name: string, level: number, v: Value) =>
      runStage(ctx, ctx.child(net, name), heads[level]!, v);
    const unshuffle = (name: string, v: Value) =>
      pixelUnshuffle2(g, conv(name, v), ctx.child(net, name, Conv2d).outChannels);
    const shuffle = (v: Value) => g.op('DepthToSpace', [v], { blocksize: 2, mode: 'CRD' });
    const concat = (a: Value, b: Value) => g.op('Concat', [a, b], { axis: 1 });

    const e1 = stage('enc1', 0, conv('embed', x));
    ctx.tap('enc1', e1);
    const e2 = stage('enc2', 1, unshuffle('down1', e1));
    ctx.tap('enc2', e2);
    const lat = stage('latent', 2, unshuffle('down2', e2));
    ctx.tap('latent', lat);
    const d2 = stage('dec2', 1, conv('reduce2', concat(shuffle(conv('up2', lat)), e2)));
    ctx.tap('dec2', d2);
    const d1 = stage('dec1', 0, conv('reduce1', concat(shuffle(conv('up1', d2)), e1)));
    ctx.tap('dec1', d1);
    const out = conv('output', d1);
    return residual ? g.op('Add', [x, out]) : out;
  },
});

/**
 * PyTorch's PixelUnshuffle(2) in NCHW: output channel c·4 + i·2 + j holds
 * pixel (2h + i, 2w + j) of channel c. ONNX SpaceToDepth puts it at channel
 * (i·2 + j)·C + c, so a gather reorders the channels.
 */
function pixelUnshuffle2(g: GraphBuilder, x: Value, channels: number): Value {
  const r = 2;
  const order: number[] = [];
  for (let c = 0; c < channels; c++) {
    for (let ij = 0; ij < r * r; ij++) order.push(ij * channels + c);
  }
  const blocks = g.op('SpaceToDepth', [x], { blocksize: r });
  return g.op('Gather', [blocks, g.int64s(order)], { axis: 1 });
}

function runStage(ctx: ExportContext, stage: Module, heads: number, x: Value): Value {
  return ctx.graph.scoped(ctx.pathOf(stage), () => {
    let h = x;
    for (let i = 1; ctx.has(stage, `block${i}`); i++) {
      h = transformerBlock(ctx, ctx.child(stage, `block${i}`), heads, h);
    }
    return h;
  });
}

/** x + MDTA(LN(x)), then + GDFN(LN(·)). */
function transformerBlock(ctx: ExportContext, block: Module, heads: number, x: Value): Value {
  const g = ctx.graph;
  return g.scoped(ctx.pathOf(block), () => {
    const norm = (name: string, v: Value) => ctx.layer(ctx.child(block, name, ChannelLayerNorm), v);
    const h = g.op('Add', [x, mdta(ctx, ctx.child(block, 'attn'), heads, norm('norm1', x))]);
    return g.op('Add', [h, gdfn(ctx, ctx.child(block, 'ffn'), norm('norm2', h))]);
  });
}

/**
 * Transposed (channel) attention: per head, L2-normalised queries and keys
 * over the pixels, softmax(q·kᵀ·temperature)·v, heads merged, 1×1 projection.
 */
function mdta(ctx: ExportContext, attn: Module, heads: number, x: Value): Value {
  const g = ctx.graph;
  return g.scoped(ctx.pathOf(attn), () => {
    const qkvConv = ctx.child(attn, 'qkv', Conv2d);
    const dim = qkvConv.inChannels;
    const c = dim / heads;
    const qkv = ctx.layer(ctx.child(attn, 'qkvDw', DepthwiseConv2d), ctx.layer(qkvConv, x));
    const [q, k, v] = g.ops('Split', [qkv], { axis: 1, num_outputs: 3 }, 3);
    // [N, heads·c, H, W] → [N, heads, c, H·W]
    const toHeads = (t: Value) => g.op('Reshape', [t, g.int64s([0, heads, c, -1])]);
    const normalise = (t: Value) => {
      const sq = g.op('ReduceSumSquare', [t, g.int64s([-1])], { keepdims: 1 });
      const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Max', [sq, g.floats(1e-24)])])]);
      return g.op('Mul', [t, inv]);
    };
    const qh = normalise(toHeads(q!));
    const kh = normalise(toHeads(k!));
    const t = ctx.param(attn, 'temperature');
    const scores = g.op('Mul', [
      g.op('MatMul', [qh, g.op('Transpose', [kh], { perm: [0, 1, 3, 2] })]),
      g.weight(t.name, t.data, t.dims),
    ]);
    const out = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), toHeads(v!)]);
    const merged = g.op('Reshape', [out, g.op('Shape', [x])]);
    return ctx.layer(ctx.child(attn, 'project', Conv2d), merged);
  });
}

/** Gated feed-forward: GELU(branch 1) · branch 2 after a 1×1 and a depthwise conv. */
function gdfn(ctx: ExportContext, ffn: Module, x: Value): Value {
  const g = ctx.graph;
  return g.scoped(ctx.pathOf(ffn), () => {
    const inner = ctx.layer(
      ctx.child(ffn, 'dw', DepthwiseConv2d),
      ctx.layer(ctx.child(ffn, 'projectIn', Conv2d), x),
    );
    const [a, b] = g.ops('Split', [inner], { axis: 1, num_outputs: 2 }, 2);
    return ctx.layer(ctx.child(ffn, 'projectOut', Conv2d), g.op('Mul', [gelu(g, a!), b!]));
  });
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as the tfjs model computes it. */
function gelu(g: GraphBuilder, x: Value): Value {
  const erf = g.op('Erf', [g.op('Mul', [x, g.floats(Math.SQRT1_2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.floats(0.5)]), g.op('Add', [erf, g.floats(1)])]);
}
