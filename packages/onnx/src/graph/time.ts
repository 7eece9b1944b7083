import type { GraphBuilder, Value } from './builder.js';
import { NCHW_TO_NHWC } from './layout.js';

// Spiking values keep the T steps merged into the batch, step-major
// ([T·N, C, H, W]), as tfjs's seqToBatch: convolutions and norms run once
// on all steps; only the neurons split them.

/** Direct encoding, the image at every step: [N, C, H, W] → [T·N, C, H, W]. */
export function repeatOverTime(g: GraphBuilder, x: Value, timesteps: number): Value {
  return g.op('Tile', [x, g.int64s([timesteps, 1, 1, 1])]);
}

/** [T·N, …] → T values of shape [1, M], one per step (M = N·C·H·W). */
export function splitSteps(g: GraphBuilder, x: Value, timesteps: number): Value[] {
  const rows = g.op('Reshape', [x, g.int64s([timesteps, -1])]);
  if (timesteps === 1) return [rows];
  return g.ops('Split', [rows], { axis: 0, num_outputs: timesteps }, timesteps);
}

/** The inverse of `splitSteps`: steps [1, M] → [T·N, …] shaped as `like`. */
export function joinSteps(g: GraphBuilder, steps: readonly Value[], like: Value): Value {
  const rows = steps.length === 1 ? steps[0]! : g.op('Concat', steps, { axis: 0 });
  return g.op('Reshape', [rows, g.op('Shape', [like])]);
}

/** [T·N, d1, …] → [T, N, d1, …] (rank + 1). */
export function unmergeTime(g: GraphBuilder, x: Value, timesteps: number): Value {
  const shape = g.op('Concat', [g.int64s([timesteps, -1]), g.op('Shape', [x], { start: 1 })], {
    axis: 0,
  });
  return g.op('Reshape', [x, shape]);
}

/** The mean over the T steps: [T·N, C, H, W] → [N, C, H, W]. */
export function meanOverTime(g: GraphBuilder, x: Value, timesteps: number): Value {
  if (timesteps === 1) return x;
  return g.op('ReduceMean', [unmergeTime(g, x, timesteps), g.int64s([0])], { keepdims: 0 });
}

/** A spiking tap as tfjs records it: [T·N, C, H, W] → [T, N, H, W, C]. */
export function temporalToNhwc(g: GraphBuilder, x: Value, timesteps: number, out: string): Value {
  const nhwc = g.op('Transpose', [x], { perm: NCHW_TO_NHWC });
  const shape = g.op('Concat', [g.int64s([timesteps, -1]), g.op('Shape', [nhwc], { start: 1 })], {
    axis: 0,
  });
  return g.op('Reshape', [nhwc, shape], {}, out);
}
