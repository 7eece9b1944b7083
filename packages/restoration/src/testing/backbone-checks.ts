import { type Backbone, tf } from '@spikedistill/core';
import type { ConformanceCheck } from '@spikedistill/core/testing';
import { expectNoLeaks, tapsCheck } from '@spikedistill/core/testing';
import { expect } from 'vitest';

/** Deterministic input in [0, 1]. */
export function testImage(shape: [number, number, number, number], seed = 1): tf.Tensor4D {
  return tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
}

export function forwardChecks(options: {
  /** Whether to run the backward check for this plugin on the current backend. */
  backward: (plugin: string) => boolean;
}): ConformanceCheck[] {
  const checks: ConformanceCheck[] = [
    {
      name: 'forward keeps the shape of gray and RGB input, in eval and training mode, without leaks',
      run: async ({ registry, plugin, instance, options: opts }) => {
        const gray = instance as Backbone;
        const rgb = registry.create('backbone', plugin.name, { ...opts, channels: 3 });
        for (const [model, c] of [
          [gray, 1],
          [rgb, 3],
        ] as const) {
          expect(model.inputChannels).toBe(c);
          const x = testImage([1, 32, 32, c]);
          await expectNoLeaks(() => {
            for (const training of [false, true]) {
              const { output, taps } = model.forward(x, { training });
              expect(output.shape).toEqual([1, 32, 32, c]);
              expect(Object.keys(taps)).toEqual([]);
              const finite = tf.tidy(() => tf.all(tf.isFinite(output)).dataSync()[0]);
              expect(finite).toBe(1);
              output.dispose();
              // Spiking models keep their last membranes until the next forward.
              model.resetState();
            }
          }, `${plugin.name} forward`);
          x.dispose();
        }
        rgb.dispose();
        gray.dispose();
      },
    },
    tapsCheck(32),
    {
      name: 'rejects input of the wrong channels or size with E_SHAPE',
      run: ({ instance }) => {
        const model = instance as Backbone;
        const wrong = tf.zeros([1, 32, 32, model.inputChannels + 1]);
        expect(() => model.forward(wrong)).toThrow(/expected shape/);
        wrong.dispose();
        if (model.sizeMultiple > 1) {
          const odd = tf.zeros([1, 32 + 1, 32, model.inputChannels]);
          expect(() => model.forward(odd)).toThrow(/multiples of/);
          odd.dispose();
        }
        model.dispose();
      },
    },
  ];
  checks.push({
    name: 'backward reaches every trainable variable, without leaks',
    run: async ({ instance, plugin }) => {
      const model = instance as Backbone;
      if (!options.backward(plugin.name)) {
        model.dispose();
        return;
      }
      const vars = model.trainableVariables();
      expect(vars.length).toBeGreaterThan(0);
      const side = Math.max(8, 2 * model.sizeMultiple);
      const x = testImage([2, side, side, model.inputChannels]);
      const target = testImage(x.shape as [number, number, number, number], 7);
      await expectNoLeaks(() => {
        const { value, grads } = tf.variableGrads(() => {
          const { output } = model.forward(x, { training: true });
          return tf.mean(tf.square(tf.sub(output, target))) as tf.Scalar;
        }, vars);
        const names = new Map(model.namedParameters().map(([n, v]) => [v.name, n]));
        for (const v of vars) {
          const g = grads[v.name];
          const label = names.get(v.name);
          expect(g, `gradient of ${label}`).toBeDefined();
          expect(g!.shape, label).toEqual(v.shape);
          const norm = tf.tidy(() => tf.sum(tf.abs(g!)).dataSync()[0]!);
          expect(Number.isFinite(norm), label).toBe(true);
          expect(norm, `gradient of ${label}`).toBeGreaterThan(0);
        }
        tf.dispose([value, ...Object.values(grads)]);
        model.resetState();
      });
      tf.dispose([x, target]);
      model.dispose();
    },
  });
  return checks;
}
