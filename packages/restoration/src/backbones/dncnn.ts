import { type Context, definePlugin, type Rng, type TapInfo, tf } from '@spikedistill/core';
import { BatchNorm, Conv2d } from '@spikedistill/nn';
import { z } from 'zod';
import { BackboneModule, type TapSink } from './base.js';

export const dncnnOptions = z.object({
  channels: z.number().int().positive().default(1).describe('Image channels (1 gray, 3 RGB)'),
  depth: z.number().int().min(2).default(17).describe('Convolution layers (DnCNN-S: 17)'),
  width: z.number().int().positive().default(64).describe('Feature channels'),
  batchNorm: z.boolean().default(true).describe('Batch norm after every middle convolution'),
  bnEps: z.number().positive().default(1e-4).describe('Batch-norm ε (1e-4 as the PyTorch DnCNN)'),
  bnMomentum: z.number().min(0).max(1).default(0.1).describe('Batch-norm running-average momentum'),
  residual: z
    .boolean()
    .default(true)
    .describe('Residual learning: the network predicts the noise, output = input − net(input)'),
});
export type DncnnOptions = z.output<typeof dncnnOptions>;

/** Hidden layers (1-based) whose outputs the quarter taps q1…q4 record. */
export function dncnnTapLayers(depth: number): number[] {
  const hidden = depth - 1;
  return [1, 2, 3, 4].map((q) => Math.max(1, Math.round((q * hidden) / 4)));
}

export const DNCNN_TAPS = ['q1', 'q2', 'q3', 'q4'] as const;

/**
 * DnCNN (Zhang et al. 2017): conv+ReLU, (depth−2)× conv+BN+ReLU, conv.
 * Members `conv1…conv{depth}` and `bn2…bn{depth−1}`; PyTorch's
 * `dncnn.{3i−1}` is `conv{i+1}`, `dncnn.{3i}` is `bn{i+1}`.
 */
export class DnCNN extends BackboneModule {
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly spiking = false;
  readonly timesteps = 1;
  readonly sizeMultiple = 1;
  readonly tapInfo: readonly TapInfo[];
  readonly convs: Conv2d[] = [];
  readonly norms: Array<BatchNorm | undefined> = [];
  private readonly tapAt: Map<number, string[]>;
  /** Our member → index in PyTorch's `dncnn` Sequential (conv, [BN,] ReLU per layer). */
  private readonly torchIndex = new Map<string, number>();

  constructor(
    readonly options: DncnnOptions,
    rng: Rng,
    label = 'dncnn',
  ) {
    super(label);
    const { channels, depth, width, batchNorm } = options;
    this.inputChannels = channels;
    this.outputChannels = channels;
    for (let i = 1; i <= depth; i++) {
      const first = i === 1;
      const last = i === depth;
      const conv = new Conv2d(rng, first ? channels : width, last ? channels : width, {
        bias: first || (!last && !batchNorm),
        gain: last ? 1 : Math.SQRT2,
      });
      this.convs.push(this.child(`conv${i}`, conv));
      this.norms.push(
        !first && !last && batchNorm
          ? this.child(
              `bn${i}`,
              new BatchNorm(width, { eps: options.bnEps, momentum: options.bnMomentum }),
            )
          : undefined,
      );
    }
    let index = 0;
    for (let i = 1; i <= depth; i++) {
      this.torchIndex.set(`conv${i}`, index);
      const bn = i > 1 && i < depth && batchNorm;
      if (bn) this.torchIndex.set(`bn${i}`, index + 1);
      index += bn ? 3 : 2;
    }
    const layers = dncnnTapLayers(depth);
    this.tapAt = new Map();
    layers.forEach((layer, q) => {
      this.tapAt.set(layer, [...(this.tapAt.get(layer) ?? []), DNCNN_TAPS[q]!]);
    });
    this.tapInfo = DNCNN_TAPS.map((name, q) => ({
      name,
      channels: width,
      scale: 1,
      temporal: false,
      description: `output of hidden layer ${layers[q]} of ${depth - 1} (after ReLU)`,
    }));
  }

  /**
   * The names of the PyTorch DnCNN (cszn/DnCNN `dncnn_pytorch`): one
   * Sequential `dncnn`, so conv1 is `dncnn.0`, conv2 `dncnn.2`, bn2
   * `dncnn.3`, …, conv17 `dncnn.47`.
   */
  override torchName(name: string): string {
    const [member, ...rest] = name.split('.');
    const index = this.torchIndex.get(member!);
    if (index === undefined) return super.torchName(name);
    return super.torchName(['dncnn', index, ...rest].join('.'));
  }

  protected run(x: tf.Tensor4D, training: boolean, tap: TapSink): tf.Tensor4D {
    let h = x;
    // Each step frees what it consumed (in inference): memory stays a few feature maps deep.
    const step = (next: tf.Tensor4D) => {
      this.release(h);
      h = next;
    };
    const depth = this.convs.length;
    for (let i = 0; i < depth; i++) {
      step(this.convs[i]!.forward(h));
      if (i === depth - 1) break;
      const bn = this.norms[i];
      if (bn) step(bn.forward(h, training));
      step(tf.relu(h));
      for (const name of this.tapAt.get(i + 1) ?? []) tap(name, h);
    }
    return this.options.residual ? tf.sub(x, h) : h;
  }
}

export const dncnn = definePlugin({
  kind: 'backbone',
  name: 'dncnn',
  description:
    'DnCNN denoiser (Zhang et al. 2017): depth conv layers of width channels, batch norm, residual (noise) learning. Taps q1–q4: outputs of the hidden layers at each quarter of the depth (layers 4, 8, 12, 16 for depth 17).',
  options: dncnnOptions,
  meta: { taps: DNCNN_TAPS, teacher: true },
  create: (options, ctx: Context) => new DnCNN(options, ctx.rng, `dncnn (at ${ctx.path})`),
});
