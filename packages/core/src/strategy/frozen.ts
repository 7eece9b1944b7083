import type { Backbone } from '../contracts/backbone.js';
import type { TeacherRun } from '../contracts/strategy.js';
import { tf } from '../tf.js';

/** What a frozen model is asked for: taps, and its output only when needed. */
export interface FrozenRequest {
  taps: readonly string[];
  output: boolean;
}

/**
 * A model used for inference only (a pretrained teacher): it runs outside
 * the gradient tape and keeps nothing but what was asked for. `engine` says
 * what computes it (`tfjs` here; `@spikedistill/onnx` adds ONNX Runtime).
 * The caller owns the returned tensors (on the active tfjs backend).
 */
export interface FrozenModel {
  readonly engine: string;
  /** Why this engine (for logs). */
  readonly reason: string;
  run(input: tf.Tensor4D, request: FrozenRequest): Promise<TeacherRun>;
  dispose(): void;
}

/**
 * A frozen model on the training backend. Without the output it runs only
 * as deep as the deepest tap (`Backbone.features`), and in one tidy, so the
 * activations it passes through are freed as soon as it returns.
 */
export function tfjsFrozenModel(model: Backbone, reason = 'the training backend'): FrozenModel {
  model.eval();
  return {
    engine: 'tfjs',
    reason,
    run: async (input, { taps, output }) =>
      tf.tidy(() => {
        // Clones: the caller owns what it gets, even a tap that is the input itself.
        const own = (record: Record<string, tf.Tensor>) =>
          Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v.clone()]));
        // `features` hands over tensors of its own (kept past any tidy).
        if (!output && model.features) return { taps: model.features(input, taps) };
        const r = model.forward(input, { taps, training: false });
        return output ? { output: r.output.clone(), taps: own(r.taps) } : { taps: own(r.taps) };
      }) as TeacherRun,
    dispose: () => {},
  };
}
