import {
  type Backbone,
  checkTaps,
  corePackage,
  createRegistry,
  definePlugin,
  type ForwardOptions,
  type ForwardResult,
  Module,
  type Rng,
  type TapInfo,
  tf,
} from '@spikedistill/core';
import { z } from 'zod';
import { register } from './index.js';

/** A 1-conv "spiking" student: its tap `dec1` is recorded per step, [T, N, H, W, 2]. */
export class FakeStudent extends Module implements Backbone {
  readonly inputChannels = 1;
  readonly outputChannels = 1;
  readonly spiking = true;
  readonly timesteps = 2;
  readonly sizeMultiple = 1;
  readonly tapInfo: TapInfo[] = [{ name: 'dec1', channels: 2, scale: 1, temporal: true }];
  readonly w: tf.Variable<tf.Rank.R4>;
  readonly head: tf.Variable<tf.Rank.R4>;
  constructor(rng: Rng) {
    super();
    this.w = this.param(
      'w',
      tf.tensor4d(rng.fillNormal(new Float32Array(2), 0, 0.5), [1, 1, 1, 2]),
    );
    this.head = this.param(
      'head',
      tf.tensor4d(rng.fillNormal(new Float32Array(2), 0, 0.5), [1, 1, 2, 1]),
    );
  }
  forward(x: tf.Tensor, options: ForwardOptions = {}): ForwardResult {
    checkTaps('fake-student', this.tapInfo, options.taps ?? []);
    const f = tf.conv2d(x as tf.Tensor4D, this.use(this.w), 1, 'same');
    // Two "time steps": the feature and half of it.
    const perStep = tf.stack([f, tf.mul(f, 0.5)]);
    const output = tf.add(
      x,
      tf.conv2d(tf.mean(perStep, 0) as tf.Tensor4D, this.use(this.head), 1, 'same'),
    );
    return { output, taps: options.taps?.includes('dec1') ? { dec1: perStep } : {} };
  }
}

/** A fixed "teacher": `dec1` is x repeated in 2 channels (×1, ×2), `enc2` a half-size map. */
export class FakeTeacher extends Module implements Backbone {
  readonly inputChannels = 1;
  readonly outputChannels = 1;
  readonly spiking = false;
  readonly timesteps = 1;
  readonly sizeMultiple = 2;
  readonly tapInfo: TapInfo[] = [
    { name: 'dec1', channels: 2, scale: 1, temporal: false },
    { name: 'enc2', channels: 2, scale: 2, temporal: false },
  ];
  forward(x: tf.Tensor, options: ForwardOptions = {}): ForwardResult {
    const dec1 = tf.concat([x, tf.mul(x, 2)], 3);
    const taps: Record<string, tf.Tensor> = {};
    if (options.taps?.includes('dec1')) taps.dec1 = dec1;
    if (options.taps?.includes('enc2')) taps.enc2 = tf.avgPool(dec1 as tf.Tensor4D, 2, 2, 'valid');
    return { output: x, taps };
  }
}

export const fakeStudentPlugin = definePlugin({
  kind: 'backbone',
  name: 'fake-student',
  options: z.object({}),
  create: (_o, ctx) => new FakeStudent(ctx.rng),
});

export function hintsRegistry(seed = 1) {
  const registry = createRegistry({ packages: [corePackage], seed });
  register(registry);
  registry.register(fakeStudentPlugin);
  return registry;
}
