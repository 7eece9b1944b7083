import { createFullRegistry } from '@spikedistill/cli';
import {
  buildExperiment,
  composeTaskLoss,
  disposeExperiment,
  parseExperimentConfig,
  selectBackend,
  stepLoss,
  type TeacherRun,
  tf,
  tfjsFrozenModel,
} from '@spikedistill/core';
import { createFrozenModel } from '@spikedistill/onnx';
import { describe, expect, it } from 'vitest';

/**
 * The frozen teacher on ONNX Runtime gives the strategy the same features
 * as on the training backend: a hint run's loss terms at step 1 agree to
 * 1e-4 (relative), taps and output alike.
 */
describe('teacher engine parity', () => {
  it('a hint + output-kd step: same loss terms with the teacher on onnx and on tfjs', async () => {
    const registry = createFullRegistry(3);
    await selectBackend(registry, 'wasm');
    const config = parseExperimentConfig({
      data: { name: 'procedural-denoise', options: { patch: 16, testImages: 1 } },
      teacher: { name: 'dncnn', options: { depth: 8, width: 16 } },
      student: { name: 'spiking-unet', options: { widths: [4, 8, 8], timesteps: 2 } },
      strategy: {
        name: 'compose',
        options: { terms: [{ name: 'hint', options: { layers: [['dec1', 'q4']] } }, 'output-kd'] },
      },
    });
    const parts = buildExperiment(registry, config);
    const needs = parts.strategy.needs.teacher;
    expect(needs).toEqual({ taps: ['q4'], output: true });
    if (!needs) throw new Error('unreachable');
    const batch = await parts.data.nextBatch(2);
    const task = composeTaskLoss(parts.losses);
    const onnx = await createFrozenModel(parts.teacher!, { engine: 'onnx', ...needs });
    const terms = async (run: TeacherRun) => {
      const out = tf.tidy(() => {
        const { terms } = stepLoss(parts.student, parts.strategy, {
          batch,
          task,
          teacher: run,
          step: 1,
          totalSteps: 10,
        });
        return Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, v.dataSync()[0]!]));
      });
      parts.student.resetState();
      tf.dispose([...Object.values(run.taps), ...(run.output ? [run.output] : [])]);
      return out;
    };
    const viaTfjs = await terms(await tfjsFrozenModel(parts.teacher!).run(batch.input, needs));
    const viaOnnx = await terms(await onnx.forward(batch.input));
    expect(Object.keys(viaOnnx).sort()).toEqual(['hint.dec1~q4', 'kd.l1', 'task.l1']);
    for (const [name, value] of Object.entries(viaTfjs)) {
      expect(
        Math.abs(viaOnnx[name]! - value) / Math.max(Math.abs(value), 1e-12),
        name,
      ).toBeLessThan(1e-4);
    }
    await onnx.dispose();
    tf.dispose([batch.input, batch.target]);
    disposeExperiment(parts);
  });
});
