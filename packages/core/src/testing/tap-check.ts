import { expect } from 'vitest';
import type { Backbone } from '../contracts/backbone.js';
import { tf } from '../tf.js';
import type { ConformanceCheck } from './conformance.js';
import { expectNoLeaks } from './leaks.js';

/** The shape a tap should have on an input of `n × h × w` (sides divisible by its scale). */
export function expectedTapShape(model: Backbone, name: string, [n, h, w]: number[]): number[] {
  const info = model.tapInfo.find((t) => t.name === name)!;
  const shape = [n!, h! / info.scale, w! / info.scale, info.channels];
  return info.temporal ? [model.timesteps, ...shape] : shape;
}

/**
 * Every backbone's taps (restoration and classification alike): the
 * documented ones (`meta.taps`, when the plugin lists them) are recorded with
 * the shape `tapInfo` promises on a `side × side` input, without leaks, and
 * an unknown tap is refused with the valid names.
 */
export function tapsCheck(side: number): ConformanceCheck {
  return {
    name: 'records every documented tap with its documented shape; unknown taps list the valid ones',
    run: async ({ instance, plugin }) => {
      const model = instance as Backbone;
      const names = model.tapInfo.map((t) => t.name);
      expect(names.length).toBeGreaterThan(0);
      expect(names).toEqual([...((plugin.meta?.['taps'] as string[] | undefined) ?? names)]);
      const x = tf.randomUniform([2, side, side, model.inputChannels], 0, 1, 'float32', 1);
      await expectNoLeaks(() => {
        const { output, taps } = model.forward(x, { taps: names, training: false });
        for (const name of names) {
          expect(taps[name]?.shape, name).toEqual(expectedTapShape(model, name, [2, side, side]));
        }
        tf.dispose([output, ...Object.values(taps)]);
        model.resetState();
      });
      expect(() => model.forward(x, { taps: ['nope'] })).toThrow(
        new RegExp(`nope.*${names.join(', ')}`),
      );
      x.dispose();
      model.dispose();
    },
  };
}
