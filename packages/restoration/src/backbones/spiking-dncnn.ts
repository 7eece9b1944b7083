import { type Context, definePlugin, type TapInfo, tf } from '@spikedistill/core';
import { Conv2d } from '@spikedistill/nn';
import { z } from 'zod';
import { DNCNN_TAPS, dncnnTapLayers } from './dncnn.js';
import type { TapSink } from './base.js';
import { spikingOptions } from './spiking/options.js';
import { SpikingStudent, type StudentBlock } from './spiking/student.js';

export const spikingDncnnOptions = z.object({
  ...spikingOptions,
  depth: z
    .number()
    .int()
    .min(2)
    .default(8)
    .describe('Layers: depth−1 spiking conv blocks, then the analog output conv'),
  width: z.number().int().positive().default(8).describe('Feature channels'),
});
export type SpikingDncnnOptions = z.output<typeof spikingDncnnOptions>;

/**
 * A spiking DnCNN: the image, encoded over T steps, through depth−1 spiking
 * conv blocks; the last block's spikes averaged over T feed an analog 3×3
 * conv that predicts the noise (output = input − noise, as dncnn). With
 * `ann: true`, its ANN twin: the same blocks as conv → BN → ReLU, T = 1.
 */
export class SpikingDnCNN extends SpikingStudent {
  readonly sizeMultiple = 1;
  readonly tapInfo: readonly TapInfo[];
  private readonly blocks: StudentBlock[] = [];
  private readonly head: Conv2d;
  private readonly tapAt = new Map<number, string[]>();

  constructor(
    readonly options: SpikingDncnnOptions,
    ctx: Context,
  ) {
    super(`spiking-dncnn (at ${ctx.path})`, options, ctx);
    const { channels, depth, width, norm } = options;
    for (let i = 1; i < depth; i++) {
      const block = this.block({
        inChannels: i === 1 ? channels : width,
        outChannels: width,
        norm,
        rng: ctx.rng,
      });
      this.blocks.push(this.child(`block${i}`, block));
    }
    this.head = this.child('head', new Conv2d(ctx.rng, width, channels, { gain: 1 }));
    const layers = dncnnTapLayers(depth);
    layers.forEach((layer, q) => {
      this.tapAt.set(layer, [...(this.tapAt.get(layer) ?? []), DNCNN_TAPS[q]!]);
    });
    this.tapInfo = DNCNN_TAPS.map((name, q) => ({
      name,
      channels: width,
      scale: 1,
      temporal: this.spiking,
      description: this.spiking
        ? `${this.tapWords(options.tapSignal)} of spiking block ${layers[q]} of ${depth - 1}, per step [T, N, H, W, C]`
        : `${this.tapWords(options.tapSignal)} of block ${layers[q]} of ${depth - 1}, [N, H, W, C]`,
    }));
  }

  protected run(x: tf.Tensor4D, _training: boolean, tap: TapSink): tf.Tensor4D {
    let s = this.encode(x);
    this.blocks.forEach((block, i) => {
      const out = block.forwardWithCurrent(s);
      s = out.spikes;
      for (const name of this.tapAt.get(i + 1) ?? []) {
        tap(name, this.tapValue(out, this.options.tapSignal));
      }
    });
    const noise = this.head.forward(this.meanOverTime(s));
    return this.options.residual ? tf.sub(x, noise) : noise;
  }
}

export const spikingDncnn = definePlugin({
  kind: 'backbone',
  name: 'spiking-dncnn',
  description:
    'Spiking DnCNN student: direct-encoded input over T steps, depth−1 spiking conv blocks (conv → tdBN → LIF), mean over T, analog output conv, residual. Taps q1–q4 (temporal, [T, N, H, W, width]) at each quarter of the depth, as dncnn. ann: true makes its ANN twin (conv → BN → ReLU, T = 1, same parameters).',
  options: spikingDncnnOptions,
  meta: { taps: DNCNN_TAPS, student: true, spiking: true },
  create: (options, ctx: Context) => new SpikingDnCNN(options, ctx),
});
