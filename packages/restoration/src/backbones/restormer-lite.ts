import { type Context, definePlugin, Module, type Rng, type TapInfo, tf } from '@spikedistill/core';
import {
  ChannelLayerNorm,
  Conv2d,
  DepthwiseConv2d,
  pixelShuffle,
  pixelUnshuffle,
} from '@spikedistill/nn';
import { z } from 'zod';
import { BackboneModule, type TapSink } from './base.js';

const triple = z.tuple([z.number().int(), z.number().int(), z.number().int()]);

export const restormerLiteOptions = z.object({
  channels: z.number().int().positive().default(1).describe('Image channels (1 gray, 3 RGB)'),
  dim: z
    .number()
    .int()
    .positive()
    .default(16)
    .describe('Feature channels at full resolution (×2 per level)'),
  blocks: triple
    .default([1, 1, 1])
    .describe('Transformer blocks at levels 1, 2 and the latent (decoders mirror 1 and 2)'),
  heads: triple
    .default([1, 2, 4])
    .describe('Attention heads per level; must divide the level width'),
  ffnExpansion: z.number().positive().default(2.66).describe('GDFN hidden width / block width'),
  bias: z.boolean().default(false).describe('Biases in the 1×1 and depthwise convolutions'),
  residual: z.boolean().default(true).describe('Global residual: output = input + net(input)'),
});
export type RestormerLiteOptions = z.output<typeof restormerLiteOptions>;

/**
 * Multi-Dconv head transposed attention: attention across channels rather
 * than pixels, so its cost is linear in the image size. Queries and keys
 * are L2-normalised per channel; a learnt temperature per head scales them.
 */
class Mdta extends Module {
  private readonly qkv: Conv2d;
  private readonly qkvDw: DepthwiseConv2d;
  private readonly project: Conv2d;
  private readonly temperature: tf.Variable;

  constructor(
    rng: Rng,
    readonly dim: number,
    readonly heads: number,
    bias: boolean,
  ) {
    super();
    this.temperature = this.param('temperature', tf.ones([heads, 1, 1]));
    this.qkv = this.child('qkv', new Conv2d(rng, dim, dim * 3, { kernel: 1, bias, gain: 1 }));
    this.qkvDw = this.child('qkvDw', new DepthwiseConv2d(rng, dim * 3, { bias }));
    this.project = this.child('project', new Conv2d(rng, dim, dim, { kernel: 1, bias, gain: 1 }));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const c = this.dim / this.heads;
    const [q, k, v] = tf.split(this.qkvDw.forward(this.qkv.forward(x)), 3, -1);
    // [N, H, W, heads·c] → [N, heads, c, H·W]
    const toHeads = (t: tf.Tensor) =>
      tf.transpose(tf.reshape(t, [n, h * w, this.heads, c]), [0, 2, 3, 1]) as tf.Tensor4D;
    const normalise = (t: tf.Tensor4D) =>
      tf.mul(t, tf.rsqrt(tf.maximum(tf.sum(tf.square(t), -1, true), 1e-24)));
    const qh = normalise(toHeads(q!));
    const kh = normalise(toHeads(k!));
    const attn = tf.softmax(tf.mul(tf.matMul(qh, kh, false, true), this.temperature));
    const out = tf.matMul(attn, toHeads(v!));
    const merged = tf.reshape(tf.transpose(out, [0, 3, 1, 2]), [n, h, w, this.dim]) as tf.Tensor4D;
    return this.project.forward(merged);
  }
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's default. */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** Gated-Dconv feed-forward network: GELU(branch 1) gates branch 2. */
class Gdfn extends Module {
  private readonly projectIn: Conv2d;
  private readonly dw: DepthwiseConv2d;
  private readonly projectOut: Conv2d;

  constructor(rng: Rng, dim: number, expansion: number, bias: boolean) {
    super();
    const hidden = Math.floor(dim * expansion);
    this.projectIn = this.child(
      'projectIn',
      new Conv2d(rng, dim, hidden * 2, { kernel: 1, bias, gain: 1 }),
    );
    this.dw = this.child('dw', new DepthwiseConv2d(rng, hidden * 2, { bias }));
    this.projectOut = this.child(
      'projectOut',
      new Conv2d(rng, hidden, dim, { kernel: 1, bias, gain: 1 }),
    );
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const [a, b] = tf.split(this.dw.forward(this.projectIn.forward(x)), 2, -1);
    return this.projectOut.forward(tf.mul(gelu(a!), b!) as tf.Tensor4D);
  }
}

/** Pre-norm transformer block: x + MDTA(LN(x)), then x + GDFN(LN(x)). */
class TransformerBlock extends Module {
  private readonly norm1: ChannelLayerNorm;
  private readonly attn: Mdta;
  private readonly norm2: ChannelLayerNorm;
  private readonly ffn: Gdfn;

  constructor(rng: Rng, dim: number, heads: number, expansion: number, bias: boolean) {
    super();
    this.norm1 = this.child('norm1', new ChannelLayerNorm(dim));
    this.attn = this.child('attn', new Mdta(rng, dim, heads, bias));
    this.norm2 = this.child('norm2', new ChannelLayerNorm(dim));
    this.ffn = this.child('ffn', new Gdfn(rng, dim, expansion, bias));
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const h = tf.add(x, this.attn.forward(this.norm1.forward(x))) as tf.Tensor4D;
    return tf.add(h, this.ffn.forward(this.norm2.forward(h))) as tf.Tensor4D;
  }
}

class Stage extends Module {
  private readonly blocks: TransformerBlock[] = [];

  constructor(
    rng: Rng,
    count: number,
    dim: number,
    heads: number,
    expansion: number,
    bias: boolean,
  ) {
    super();
    for (let i = 0; i < count; i++) {
      this.blocks.push(
        this.child(`block${i + 1}`, new TransformerBlock(rng, dim, heads, expansion, bias)),
      );
    }
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.blocks.reduce((h, b) => b.forward(h), x);
  }
}

/**
 * A small Restormer (Zamir et al., CVPR 2022): MDTA + GDFN transformer
 * blocks in a 3-level encoder–decoder, pixel-unshuffle down and
 * pixel-shuffle up as in the paper. Unlike the paper, the level-1 decoder
 * is reduced back to `dim` channels by a 1×1 conv (as level 2 is), so dec1
 * has the width of enc1.
 */
export class RestormerLite extends BackboneModule {
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly spiking = false;
  readonly timesteps = 1;
  readonly sizeMultiple = 4;
  readonly tapInfo: readonly TapInfo[];
  private readonly embed: Conv2d;
  private readonly enc1: Stage;
  private readonly down1: Conv2d;
  private readonly enc2: Stage;
  private readonly down2: Conv2d;
  private readonly latent: Stage;
  private readonly up2: Conv2d;
  private readonly reduce2: Conv2d;
  private readonly dec2: Stage;
  private readonly up1: Conv2d;
  private readonly reduce1: Conv2d;
  private readonly dec1: Stage;
  private readonly output: Conv2d;

  constructor(
    readonly options: RestormerLiteOptions,
    rng: Rng,
    label = 'restormer-lite',
  ) {
    super(label);
    const { channels, dim, blocks, heads, ffnExpansion: e, bias } = options;
    const widths = [dim, dim * 2, dim * 4];
    widths.forEach((w, l) => {
      if (w % heads[l]! !== 0) {
        throw new Error(`heads[${l}] = ${heads[l]} must divide the level-${l + 1} width ${w}`);
      }
    });
    this.inputChannels = channels;
    this.outputChannels = channels;
    const [w1, w2, w3] = widths as [number, number, number];
    this.embed = this.child('embed', new Conv2d(rng, channels, w1, { bias, gain: 1 }));
    this.enc1 = this.child('enc1', new Stage(rng, blocks[0], w1, heads[0], e, bias));
    // conv to half the width, then unshuffle: ×4 channels at half resolution → 2× width.
    this.down1 = this.child('down1', new Conv2d(rng, w1, w1 / 2, { bias: false, gain: 1 }));
    this.enc2 = this.child('enc2', new Stage(rng, blocks[1], w2, heads[1], e, bias));
    this.down2 = this.child('down2', new Conv2d(rng, w2, w2 / 2, { bias: false, gain: 1 }));
    this.latent = this.child('latent', new Stage(rng, blocks[2], w3, heads[2], e, bias));
    this.up2 = this.child('up2', new Conv2d(rng, w3, w3 * 2, { bias: false, gain: 1 }));
    this.reduce2 = this.child('reduce2', new Conv2d(rng, w2 * 2, w2, { kernel: 1, bias, gain: 1 }));
    this.dec2 = this.child('dec2', new Stage(rng, blocks[1], w2, heads[1], e, bias));
    this.up1 = this.child('up1', new Conv2d(rng, w2, w2 * 2, { bias: false, gain: 1 }));
    this.reduce1 = this.child('reduce1', new Conv2d(rng, w1 * 2, w1, { kernel: 1, bias, gain: 1 }));
    this.dec1 = this.child('dec1', new Stage(rng, blocks[0], w1, heads[0], e, bias));
    this.output = this.child('output', new Conv2d(rng, w1, channels, { bias, gain: 1 }));
    this.tapInfo = [
      {
        name: 'enc1',
        channels: w1,
        scale: 1,
        temporal: false,
        description: 'level-1 encoder output',
      },
      {
        name: 'enc2',
        channels: w2,
        scale: 2,
        temporal: false,
        description: 'level-2 encoder output',
      },
      { name: 'latent', channels: w3, scale: 4, temporal: false, description: 'bottleneck output' },
      {
        name: 'dec2',
        channels: w2,
        scale: 2,
        temporal: false,
        description: 'level-2 decoder output',
      },
      {
        name: 'dec1',
        channels: w1,
        scale: 1,
        temporal: false,
        description: 'level-1 decoder output',
      },
    ];
  }

  protected run(x: tf.Tensor4D, _training: boolean, tap: TapSink): tf.Tensor4D {
    const e1 = this.enc1.forward(this.embed.forward(x));
    tap('enc1', e1);
    const e2 = this.enc2.forward(pixelUnshuffle(this.down1.forward(e1), 2));
    tap('enc2', e2);
    const lat = this.latent.forward(pixelUnshuffle(this.down2.forward(e2), 2));
    tap('latent', lat);
    const u2 = pixelShuffle(this.up2.forward(lat), 2);
    const d2 = this.dec2.forward(this.reduce2.forward(tf.concat([u2, e2], -1)));
    tap('dec2', d2);
    const u1 = pixelShuffle(this.up1.forward(d2), 2);
    const d1 = this.dec1.forward(this.reduce1.forward(tf.concat([u1, e1], -1)));
    tap('dec1', d1);
    const out = this.output.forward(d1);
    return this.options.residual ? tf.add(x, out) : out;
  }
}

export const restormerLite = definePlugin({
  kind: 'backbone',
  name: 'restormer-lite',
  description:
    'Small Restormer: MDTA (transposed channel attention) and GDFN (gated depthwise feed-forward) blocks in a 3-level encoder–decoder with pixel-(un)shuffle. Taps: enc1 (dim, scale 1), enc2 (2·dim, 2), latent (4·dim, 4), dec2 (2·dim, 2), dec1 (dim, 1).',
  options: restormerLiteOptions,
  meta: { taps: ['enc1', 'enc2', 'latent', 'dec2', 'dec1'], teacher: true },
  create: (options, ctx: Context) =>
    new RestormerLite(options, ctx.rng, `restormer-lite (at ${ctx.path})`),
});
