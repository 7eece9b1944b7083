import { type Context, definePlugin, Module, type TapInfo, tf } from '@spikedistill/core';
import { z } from 'zod';
import { Classifier, type Flavour, stageTaps, type TapSink } from './classifier.js';
import { annFlavour } from './flavours.js';
import { annOptions, classifierOptions } from './options.js';
import type { ConvNorm, ConvUnit, UnitMaker } from './units.js';

/** The architecture options the spiking ResNet and its ANN twin share. */
export const resnetShape = {
  ...classifierOptions,
  widths: z
    .array(z.number().int().positive())
    .min(1)
    .default([16, 32, 64])
    .describe(
      'Channels of each stage (the stem has the first); stages after the first halve H and W',
    ),
  blocks: z.number().int().positive().default(1).describe('Basic residual blocks per stage'),
};
export type ResnetShape = z.output<z.ZodObject<typeof resnetShape>>;

/**
 * The basic block of spiking ResNets with tdBN (Zheng et al., AAAI 2021),
 * and of ResNet for the ANN twin: unit1 → conv → norm, plus the shortcut
 * (identity, or 1×1 conv → norm when the shape changes), then the
 * activation of unit2. In the spiking block the shortcut adds the input
 * spikes to the membrane current.
 */
class BasicBlock extends Module {
  private readonly unit1: ConvUnit;
  private readonly unit2: ConvUnit;
  private readonly shortcut: ConvNorm | undefined;

  constructor(units: UnitMaker, inC: number, outC: number, stride: number) {
    super();
    this.unit1 = this.child('unit1', units.unit(inC, outC, stride));
    this.unit2 = this.child('unit2', units.unit(outC, outC, 1));
    this.shortcut =
      stride !== 1 || inC !== outC
        ? this.child('shortcut', units.projection(inC, outC, stride))
        : undefined;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const h = this.unit1.fire(this.unit1.current(x));
      const skip = this.shortcut ? this.shortcut.current(x) : x;
      return this.unit2.fire(tf.add(this.unit2.current(h), skip));
    });
  }
}

class Stage extends Module {
  readonly blocks: BasicBlock[];
  constructor(units: UnitMaker, inC: number, outC: number, stride: number, count: number) {
    super();
    this.blocks = Array.from({ length: count }, (_, i) =>
      this.child(`block${i + 1}`, new BasicBlock(units, i ? outC : inC, outC, i ? 1 : stride)),
    );
  }
}

/**
 * A small ResNet classifier: a 3×3 stem unit, stages of basic residual
 * blocks (the first block of every stage after the first has stride 2),
 * global average pooling, one linear head. Spiking or ANN by flavour.
 * Members `stem`, `stage<s>.block<b>.{unit1,unit2,shortcut}`, `head`.
 */
export class ResNet extends Classifier {
  readonly tapInfo: readonly TapInfo[];
  private readonly stem: ConvUnit;
  private readonly stages: Stage[];

  constructor(label: string, shape: ResnetShape, flavour: Flavour) {
    super(label, shape, flavour);
    const { widths } = shape;
    this.stem = this.child('stem', flavour.units.unit(shape.channels, widths[0]!, 1));
    this.stages = widths.map((w, s) =>
      this.child(
        `stage${s + 1}`,
        new Stage(flavour.units, s ? widths[s - 1]! : widths[0]!, w, s ? 2 : 1, shape.blocks),
      ),
    );
    this.tapInfo = stageTaps(widths, flavour.spiking);
    this.attachHead(widths.at(-1)!);
  }

  protected extract(x: tf.Tensor, tap: TapSink): tf.Tensor {
    let h = this.stem.fire(this.stem.current(x));
    this.stages.forEach((stage, s) => {
      for (const block of stage.blocks) h = block.forward(h);
      tap(`stage${s + 1}`, h);
    });
    return h;
  }
}

export const resnetOptions = z.object({ ...resnetShape, ...annOptions });

export const resnet = definePlugin({
  kind: 'backbone',
  name: 'resnet',
  description:
    'ANN twin of spiking-resnet: 3×3 stem, stages of basic residual blocks (conv → BN → ReLU, conv → BN, + shortcut, ReLU), stride 2 between stages, global average pooling, linear head → logits [N, classes]. Taps stage1…stageK.',
  options: resnetOptions,
  meta: { task: 'classification', spiking: false },
  create: (o, ctx: Context) => new ResNet(`resnet (at ${ctx.path})`, o, annFlavour(o, ctx)),
});
