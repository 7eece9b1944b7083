import { type Backbone, tf } from '@spikedistill/core';
import type { ConformanceCheck } from '@spikedistill/core/testing';
import { expectNoLeaks, tapsCheck } from '@spikedistill/core/testing';
import { expect } from 'vitest';
import { crossEntropy } from '../losses/cross-entropy.js';

/** Deterministic images in [0, 1]. */
export function testImages(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  return tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
}

export function testLabels(n: number, classes: number): tf.Tensor1D {
  return tf.tensor1d(
    Array.from({ length: n }, (_, i) => (i * 7) % classes),
    'int32',
  );
}

/**
 * What every classifier backbone must do, run per registered plugin by
 * core's `conformance` (as restoration's backbone checks, for logits):
 * logits [N, classes] on gray and RGB input of any size, documented taps,
 * shape errors, gradients into every trainable variable, no leaks.
 */
export function classifierChecks(): ConformanceCheck[] {
  return [
    {
      name: 'forward gives finite logits [N, classes] for gray and RGB input of any size, in eval and training mode, without leaks',
      run: async ({ registry, plugin, instance, options }) => {
        const gray = instance as Backbone;
        const rgb = registry.create('backbone', plugin.name, {
          ...options,
          channels: 3,
          classes: 7,
        });
        for (const [model, c, k] of [
          [gray, 1, 10],
          [rgb, 3, 7],
        ] as const) {
          expect([model.inputChannels, model.outputChannels]).toEqual([c, k]);
          for (const side of [16, 13]) {
            const x = testImages([2, side, side, c]);
            await expectNoLeaks(() => {
              for (const training of [false, true]) {
                const { output, taps } = model.forward(x, { training });
                expect(output.shape).toEqual([2, k]);
                expect(Object.keys(taps)).toEqual([]);
                expect(tf.tidy(() => tf.all(tf.isFinite(output)).dataSync()[0])).toBe(1);
                output.dispose();
                // Spiking models keep their last membranes until the next forward.
                model.resetState();
              }
            }, `${plugin.name} forward`);
            x.dispose();
          }
        }
        rgb.dispose();
        gray.dispose();
      },
    },
    tapsCheck(16),
    {
      name: 'rejects input of the wrong rank or channels with E_SHAPE',
      run: ({ instance }) => {
        const model = instance as Backbone;
        const wrong = tf.zeros([1, 16, 16, model.inputChannels + 1]);
        expect(() => model.forward(wrong)).toThrow(/expected shape/);
        const flat = tf.zeros([1, 16 * 16 * model.inputChannels]);
        expect(() => model.forward(flat)).toThrow(/expected shape/);
        tf.dispose([wrong, flat]);
        model.dispose();
      },
    },
    {
      name: 'cross-entropy backward reaches every trainable variable, without leaks',
      run: async ({ instance }) => {
        const model = instance as Backbone;
        const vars = model.trainableVariables();
        expect(vars.length).toBeGreaterThan(0);
        const x = testImages([4, 12, 12, model.inputChannels]);
        const y = testLabels(4, model.outputChannels);
        const names = new Map(model.namedParameters().map(([n, v]) => [v.name, n]));
        await expectNoLeaks(() => {
          const { value, grads } = tf.variableGrads(
            () => crossEntropy(model.forward(x, { training: true }).output, y),
            vars,
          );
          for (const v of vars) {
            const label = names.get(v.name);
            const g = grads[v.name];
            expect(g, `gradient of ${label}`).toBeDefined();
            expect(g!.shape, label).toEqual(v.shape);
            const norm = tf.tidy(() => tf.sum(tf.abs(g!)).dataSync()[0]!);
            expect(Number.isFinite(norm), label).toBe(true);
            expect(norm, `gradient of ${label}`).toBeGreaterThan(0);
          }
          tf.dispose([value, ...Object.values(grads)]);
          model.resetState();
        });
        tf.dispose([x, y]);
        model.dispose();
      },
    },
  ];
}
