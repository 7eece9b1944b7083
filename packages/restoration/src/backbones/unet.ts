import { type Context, definePlugin, Module, type Rng, type TapInfo, tf } from '@spikedistill/core';
import { BatchNorm, Conv2d, ConvTranspose2x2 } from '@spikedistill/nn';
import { z } from 'zod';
import { BackboneModule, type TapSink } from './base.js';

export const unetOptions = z.object({
  channels: z.number().int().positive().default(1).describe('Image channels (1 gray, 3 RGB)'),
  widths: z
    .array(z.number().int().positive())
    .min(2)
    .default([32, 64, 128])
    .describe(
      'Feature channels per level, full resolution first; each further level halves H and W',
    ),
  convsPerLevel: z.number().int().min(1).default(2).describe('3×3 conv+ReLU layers per level'),
  batchNorm: z.boolean().default(false).describe('Batch norm after every 3×3 convolution'),
  residual: z.boolean().default(true).describe('Global residual: output = input + net(input)'),
});
export type UnetOptions = z.output<typeof unetOptions>;

/** Tap names of a U-Net with `levels` levels: enc1…, latent, …dec1. */
export function unetTapNames(levels: number): string[] {
  const enc = Array.from({ length: levels - 1 }, (_, i) => `enc${i + 1}`);
  const dec = Array.from({ length: levels - 1 }, (_, i) => `dec${levels - 1 - i}`);
  return [...enc, 'latent', ...dec];
}

/** `n` 3×3 conv (+BN) + ReLU layers, the first changing the width. */
class ConvStack extends Module {
  private readonly convs: Conv2d[] = [];
  private readonly norms: Array<BatchNorm | undefined> = [];

  constructor(rng: Rng, inC: number, outC: number, n: number, batchNorm: boolean) {
    super();
    for (let i = 0; i < n; i++) {
      this.convs.push(
        this.child(
          `conv${i + 1}`,
          new Conv2d(rng, i === 0 ? inC : outC, outC, { bias: !batchNorm }),
        ),
      );
      this.norms.push(batchNorm ? this.child(`bn${i + 1}`, new BatchNorm(outC)) : undefined);
    }
  }

  forward(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    let h = x;
    this.convs.forEach((conv, i) => {
      h = conv.forward(h);
      const bn = this.norms[i];
      if (bn) h = bn.forward(h, training);
      h = tf.relu(h);
    });
    return h;
  }
}

/**
 * A compact U-Net: per level a conv stack, 2×2 stride-2 convolutions down,
 * 2×2 stride-2 transposed convolutions up, skip connections by
 * concatenation, a 3×3 output conv and a global residual.
 */
export class UNet extends BackboneModule {
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly spiking = false;
  readonly timesteps = 1;
  readonly sizeMultiple: number;
  readonly tapInfo: readonly TapInfo[];
  private readonly encoders: ConvStack[] = [];
  private readonly downs: Conv2d[] = [];
  private readonly ups: ConvTranspose2x2[] = [];
  private readonly decoders: ConvStack[] = [];
  private readonly head: Conv2d;

  constructor(
    readonly options: UnetOptions,
    rng: Rng,
    label = 'unet',
  ) {
    super(label);
    const { channels, widths, convsPerLevel: n, batchNorm } = options;
    const levels = widths.length;
    this.inputChannels = channels;
    this.outputChannels = channels;
    this.sizeMultiple = 2 ** (levels - 1);
    for (let l = 0; l < levels; l++) {
      const w = widths[l]!;
      if (l > 0) {
        this.downs.push(
          this.child(`down${l}`, new Conv2d(rng, widths[l - 1]!, w, { kernel: 2, stride: 2 })),
        );
      }
      const name = l === levels - 1 ? 'latent' : `enc${l + 1}`;
      this.encoders.push(
        this.child(name, new ConvStack(rng, l === 0 ? channels : w, w, n, batchNorm)),
      );
    }
    for (let l = levels - 2; l >= 0; l--) {
      const w = widths[l]!;
      this.ups.push(this.child(`up${l + 1}`, new ConvTranspose2x2(rng, widths[l + 1]!, w)));
      this.decoders.push(this.child(`dec${l + 1}`, new ConvStack(rng, 2 * w, w, n, batchNorm)));
    }
    this.head = this.child('head', new Conv2d(rng, widths[0]!, channels, { gain: 1 }));
    const names = unetTapNames(levels);
    const tapLevel = (i: number) => (i < levels ? i : 2 * (levels - 1) - i);
    this.tapInfo = names.map((name, i) => ({
      name,
      channels: widths[tapLevel(i)]!,
      scale: 2 ** tapLevel(i),
      temporal: false,
      description:
        i < levels - 1
          ? `encoder level ${i + 1} output`
          : i === levels - 1
            ? 'bottleneck output'
            : `decoder level ${tapLevel(i) + 1} output`,
    }));
  }

  protected run(x: tf.Tensor4D, training: boolean, tap: TapSink): tf.Tensor4D {
    const skips: tf.Tensor4D[] = [];
    let h = x;
    const levels = this.encoders.length;
    for (let l = 0; l < levels; l++) {
      if (l > 0) h = tf.relu(this.downs[l - 1]!.forward(h));
      h = this.encoders[l]!.forward(h, training);
      tap(l === levels - 1 ? 'latent' : `enc${l + 1}`, h);
      skips.push(h);
    }
    this.decoders.forEach((decoder, i) => {
      const l = levels - 2 - i;
      const up = tf.relu(this.ups[i]!.forward(h));
      h = decoder.forward(tf.concat([up, skips[l]!], -1), training);
      tap(`dec${l + 1}`, h);
    });
    const out = this.head.forward(h);
    return this.options.residual ? tf.add(x, out) : out;
  }
}

export const unet = definePlugin({
  kind: 'backbone',
  name: 'unet',
  description:
    'Compact U-Net (conv stacks, 2×2 stride-2 down, transposed-conv up, concatenated skips, global residual). Taps for 3 levels: enc1 (scale 1), enc2 (2), latent (4), dec2 (2), dec1 (1); in general enc1…enc{L−1}, latent, dec{L−1}…dec1.',
  options: unetOptions,
  meta: { taps: unetTapNames(3), teacher: true },
  create: (options, ctx: Context) => new UNet(options, ctx.rng, `unet (at ${ctx.path})`),
});
