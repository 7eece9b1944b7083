import { type Context, definePlugin, Module, type TapInfo, tf } from '@spikedistill/core';
import { batchToSeq, seqToBatch } from '@spikedistill/nn';
import { z } from 'zod';
import { Classifier, type Flavour, stageTaps, type TapSink } from './classifier.js';
import { annFlavour } from './flavours.js';
import { annOptions, classifierOptions } from './options.js';
import type { ConvUnit } from './units.js';

/** The architecture options the spiking VGG and its ANN twin share. */
export const vggShape = {
  ...classifierOptions,
  widths: z
    .array(z.number().int().positive())
    .min(1)
    .default([16, 32, 64])
    .describe('Channels of each stage; 2×2 pooling between stages'),
  depth: z.number().int().positive().default(1).describe('3×3 conv units per stage'),
  pool: z.enum(['avg', 'max']).default('avg').describe('Pooling between stages'),
};
export type VggShape = z.output<z.ZodObject<typeof vggShape>>;

/** The units of one stage, as members `unit1…unitD`. */
class Stage extends Module {
  readonly units: ConvUnit[];
  constructor(make: (i: number) => ConvUnit, depth: number) {
    super();
    this.units = Array.from({ length: depth }, (_, i) => this.child(`unit${i + 1}`, make(i)));
  }
}

/**
 * VGG-style classifier: stages of `depth` 3×3 conv → norm → activation
 * units, 2×2 pooling between stages, global average pooling, one linear
 * head. Spiking (LIF, tdBN, direct encoding) or ANN (ReLU, BN) by flavour.
 * Members `stage<s>.unit<d>.{conv,norm,neuron}`, `head`.
 */
export class Vgg extends Classifier {
  readonly tapInfo: readonly TapInfo[];
  private readonly stages: Stage[];

  constructor(
    label: string,
    private readonly shape: VggShape,
    flavour: Flavour,
  ) {
    super(label, shape, flavour);
    let inC = shape.channels;
    this.stages = shape.widths.map((width, s) => {
      const stage = new Stage(
        (d) => flavour.units.unit(d === 0 ? inC : width, width, 1),
        shape.depth,
      );
      inC = width;
      return this.child(`stage${s + 1}`, stage);
    });
    this.tapInfo = stageTaps(shape.widths, flavour.spiking);
    this.attachHead(inC);
  }

  protected extract(x: tf.Tensor, tap: TapSink): tf.Tensor {
    let h = x;
    this.stages.forEach((stage, s) => {
      if (s > 0) h = this.pool(h);
      for (const unit of stage.units) h = unit.fire(unit.current(h));
      tap(`stage${s + 1}`, h);
    });
    return h;
  }

  /** 2×2, stride 2, on every step at once; odd sizes floor (PyTorch's default). */
  private pool(x: tf.Tensor): tf.Tensor {
    const merged = seqToBatch(x) as tf.Tensor4D;
    const pooled =
      this.shape.pool === 'max'
        ? tf.maxPool(merged, 2, 2, 'valid')
        : tf.avgPool(merged, 2, 2, 'valid');
    return batchToSeq(pooled, x.shape[0]!);
  }
}

export const vggOptions = z.object({ ...vggShape, ...annOptions });

export const vgg = definePlugin({
  kind: 'backbone',
  name: 'vgg',
  description:
    'ANN twin of spiking-vgg: stages of 3×3 conv → BN → ReLU, 2×2 pooling between stages, global average pooling, linear head → logits [N, classes]. Taps stage1…stageK ([N, H/2^(k−1), W/2^(k−1), C]).',
  options: vggOptions,
  meta: { task: 'classification', spiking: false },
  create: (o, ctx: Context) => new Vgg(`vgg (at ${ctx.path})`, o, annFlavour(o, ctx)),
});
