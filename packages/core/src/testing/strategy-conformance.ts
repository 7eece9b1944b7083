import { expect } from 'vitest';
import type { Backbone } from '../contracts/backbone.js';
import type { Strategy } from '../contracts/strategy.js';
import type { PluginRef } from '../plugin.js';
import type { Registry } from '../registry/registry.js';
import { tfjsFrozenModel } from '../strategy/frozen.js';
import { tf } from '../tf.js';
import { composeTaskLoss } from '../train/task-loss.js';
import { stepLoss } from '../train/step-loss.js';
import { type ConformanceOptions, conformance } from './conformance.js';
import { expectNoLeaks } from './leaks.js';

export interface StrategyConformanceOptions extends Omit<ConformanceOptions, 'checks'> {
  /** The student (made from `studentRef`) and teacher every strategy is attached to. */
  models(registry: Registry): { student: Backbone; teacher: Backbone };
  studentRef: PluginRef;
  /** Input shape [N, H, W, C] of a batch. */
  input: [number, number, number, number];
}

/**
 * Tests every registered strategy the way the trainer uses it: attach to a
 * student and teacher, run the teacher outside the tape with what the
 * strategy needs, compute one step's loss under the tape. Each term must be
 * a finite scalar, every trained parameter (student, adapters, twins) must
 * get a gradient, and nothing may leak.
 */
export function strategyConformance(
  makeRegistry: () => Registry,
  options: StrategyConformanceOptions,
): void {
  conformance(makeRegistry, 'strategy', {
    ...options,
    checks: [
      {
        name: 'attaches, gives finite named terms, reaches every trained parameter, no leaks',
        run: async ({ registry, instance }) => {
          const strategy = instance as Strategy;
          const { student, teacher } = options.models(registry);
          strategy.attach(
            { student, teacher },
            { registry, path: 'strategy', studentRef: options.studentRef },
          );
          const x = tf.randomUniform(options.input, 0, 1, 'float32', 3) as tf.Tensor4D;
          const batch = { input: x, target: tf.mul(x, 0.5) as tf.Tensor4D };
          const task = composeTaskLoss([registry.create('loss', 'l1')]);
          const vars = [
            ...student.trainableVariables(),
            ...Object.values(strategy.modules()).flatMap((m) => m.trainableVariables()),
          ];
          await expectNoLeaks(async () => {
            const needs = strategy.needs.teacher;
            const t = needs ? await tfjsFrozenModel(teacher).run(x, needs) : undefined;
            const { value, grads } = tf.variableGrads(() => {
              const { total, terms } = stepLoss(student, strategy, {
                batch,
                task,
                teacher: t,
                step: 1,
                totalSteps: 10,
              });
              for (const [name, v] of Object.entries(terms)) {
                expect(v.shape, name).toEqual([]);
                expect(Number.isFinite(v.dataSync()[0]), name).toBe(true);
              }
              return total;
            }, vars);
            expect(Object.keys(grads).length).toBe(vars.length);
            tf.dispose([value, ...Object.values(grads), ...(t ? Object.values(t.taps) : [])]);
            t?.output?.dispose();
            // Spiking models keep the last forward's membranes until the next one.
            student.resetState();
            for (const twin of strategy.twins()) twin.resetState();
          });
          strategy.dispose();
          tf.dispose([x, batch.target]);
          student.dispose();
          teacher.dispose();
        },
      },
    ],
  });
}
