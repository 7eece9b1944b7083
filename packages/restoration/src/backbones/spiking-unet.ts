import { type Context, definePlugin, type TapInfo, tf } from '@spikedistill/core';
import { batchToSeq, Conv2d, seqToBatch, upsample2 } from '@spikedistill/nn';
import { z } from 'zod';
import type { TapSink } from './base.js';
import { spikingOptions } from './spiking/options.js';
import { SpikingStudent, type StudentBlock } from './spiking/student.js';

const TAPS = ['enc1', 'enc2', 'latent', 'dec2', 'dec1'] as const;

export const spikingUnetOptions = z.object({
  ...spikingOptions,
  widths: z
    .tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()])
    .default([4, 8, 16])
    .describe('Channels at full, half and quarter resolution'),
});
export type SpikingUnetOptions = z.output<typeof spikingUnetOptions>;

/**
 * A spiking U-Net student in the spirit of the H-KD paper's: spiking conv
 * blocks, stride-2 blocks down, nearest ×2 upsampling and a block up with
 * concatenated skips, the level-1 decoder's spikes averaged over T, then an
 * analog 3×3 conv, and a global residual (output = input + net(input)).
 * With `ann: true`, its ANN twin: the same blocks as conv → BN → ReLU, T = 1.
 */
export class SpikingUNet extends SpikingStudent {
  readonly sizeMultiple = 4;
  readonly tapInfo: readonly TapInfo[];
  private readonly enc1: StudentBlock;
  private readonly enc2: StudentBlock;
  private readonly latent: StudentBlock;
  private readonly dec2: StudentBlock;
  private readonly dec1: StudentBlock;
  private readonly head: Conv2d;

  constructor(
    readonly options: SpikingUnetOptions,
    ctx: Context,
  ) {
    super(`spiking-unet (at ${ctx.path})`, options, ctx);
    const { channels, widths, norm } = options;
    const [w1, w2, w3] = widths;
    const block = (name: string, inC: number, outC: number, stride = 1) =>
      this.child(
        name,
        this.block({ inChannels: inC, outChannels: outC, norm, stride, rng: ctx.rng }),
      );
    this.enc1 = block('enc1', channels, w1);
    this.enc2 = block('enc2', w1, w2, 2);
    this.latent = block('latent', w2, w3, 2);
    this.dec2 = block('dec2', w3 + w2, w2);
    this.dec1 = block('dec1', w2 + w1, w1);
    this.head = this.child('head', new Conv2d(ctx.rng, w1, channels, { gain: 1 }));
    const what = this.tapWords(options.tapSignal);
    const temporal = this.spiking;
    this.tapInfo = [
      {
        name: 'enc1',
        channels: w1,
        scale: 1,
        temporal,
        description: `${what} of the level-1 encoder block`,
      },
      {
        name: 'enc2',
        channels: w2,
        scale: 2,
        temporal,
        description: `${what} of the level-2 encoder block`,
      },
      {
        name: 'latent',
        channels: w3,
        scale: 4,
        temporal,
        description: `${what} of the bottleneck block`,
      },
      {
        name: 'dec2',
        channels: w2,
        scale: 2,
        temporal,
        description: `${what} of the level-2 decoder block`,
      },
      {
        name: 'dec1',
        channels: w1,
        scale: 1,
        temporal,
        description: `${what} of the level-1 decoder block`,
      },
    ];
  }

  protected run(x: tf.Tensor4D, _training: boolean, tap: TapSink): tf.Tensor4D {
    const t = this.timesteps;
    const record = (name: string, out: { spikes: tf.Tensor; current: tf.Tensor }) => {
      tap(name, this.tapValue(out, this.options.tapSignal));
      return out.spikes;
    };
    const up = (s: tf.Tensor) => batchToSeq(upsample2(seqToBatch(s) as tf.Tensor4D), t);
    const e1 = record('enc1', this.enc1.forwardWithCurrent(this.encode(x)));
    const e2 = record('enc2', this.enc2.forwardWithCurrent(e1));
    const lat = record('latent', this.latent.forwardWithCurrent(e2));
    const d2 = record('dec2', this.dec2.forwardWithCurrent([up(lat), e2]));
    const d1 = record('dec1', this.dec1.forwardWithCurrent([up(d2), e1]));
    const out = this.head.forward(this.meanOverTime(d1));
    return this.options.residual ? tf.add(x, out) : out;
  }
}

export const spikingUnet = definePlugin({
  kind: 'backbone',
  name: 'spiking-unet',
  description:
    'Spiking U-Net student: direct-encoded input over T steps, spiking conv blocks (conv → tdBN → LIF) on 3 levels, stride-2 down, nearest up with concatenated skips, mean over T, analog output conv, residual. Taps (temporal, [T, N, H/s, W/s, C]): enc1, enc2, latent, dec2, dec1, as unet. ann: true makes its ANN twin (conv → BN → ReLU, T = 1, same parameters).',
  options: spikingUnetOptions,
  meta: { taps: TAPS, student: true, spiking: true },
  create: (options, ctx: Context) => new SpikingUNet(options, ctx),
});
