import type { ExperimentConfig, FrozenModel, TrainerParts } from '@spikedistill/core';
import { createFrozenModel } from '@spikedistill/onnx';

/**
 * The teacher as a frozen model on the engine its config asks for (ONNX
 * Runtime by default, when it loads), exported with exactly the taps the
 * strategy reads; none when the strategy runs no teacher. The trainer
 * calls it once per batch, outside the gradient tape.
 */
export async function frozenTeacher(
  parts: TrainerParts,
  config: ExperimentConfig,
  log: (line: string) => void,
): Promise<FrozenModel | undefined> {
  const needs = parts.strategy.needs.teacher;
  if (!parts.teacher || !needs) return undefined;
  const frozen = await createFrozenModel(parts.teacher, {
    engine: config.teacher?.engine ?? 'auto',
    taps: needs.taps,
    output: needs.output,
  });
  log(`teacher engine: ${frozen.engine} — ${frozen.reason}`);
  return {
    engine: frozen.engine,
    reason: frozen.reason,
    run: (input) => frozen.forward(input),
    dispose: () => void frozen.dispose(),
  };
}
