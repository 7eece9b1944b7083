import type { GraphBuilder, Value } from '../graph/builder.js';
import { joinSteps, splitSteps } from '../graph/time.js';

// The neurons' charge, fire and reset as ONNX ops, in the same order of
// operations as @spikedistill/neurons computes them (dynamics.ts,
// surrogate.ts), so a spike fires in ORT exactly when it fires in tfjs.

const FLOAT = 1;

/**
 * LIF-family charge with k = 1/τ (0: no leak, IF):
 * decayInput H = V + (X − (V − V_r))·k, otherwise H = V − (V − V_r)·k + X.
 */
export function chargeLif(
  g: GraphBuilder,
  v: Value,
  x: Value,
  k: number,
  vReset: number | null,
  decayInput: boolean,
): Value {
  if (k === 0) return g.op('Add', [v, x]);
  const vr = vReset ?? 0;
  const rel = vr === 0 ? v : g.op('Sub', [v, g.floats(vr)]);
  if (decayInput) return g.op('Add', [v, g.op('Mul', [g.op('Sub', [x, rel]), g.floats(k)])]);
  return g.op('Add', [g.op('Sub', [v, g.op('Mul', [rel, g.floats(k)])]), x]);
}

/** S = Θ(H − θ): 1 where H − θ ≥ 0 (a spike when H equals θ), as float. */
export function fire(g: GraphBuilder, h: Value, threshold: number | Value): Value {
  const x = g.op('Sub', [h, typeof threshold === 'number' ? g.floats(threshold) : threshold]);
  return g.op('Cast', [g.op('GreaterOrEqual', [x, g.floats(0)])], { to: FLOAT });
}

/** S = Θ(H − θ) with a strict comparison (snnTorch's convention). */
export function fireStrict(g: GraphBuilder, h: Value, threshold: number): Value {
  const x = g.op('Sub', [h, g.floats(threshold)]);
  return g.op('Cast', [g.op('Greater', [x, g.floats(0)])], { to: FLOAT });
}

/** Hard reset V = (1 − S)·H + S·V_r, or soft (V_r null) V = H − S·θ. */
export function resetLif(
  g: GraphBuilder,
  h: Value,
  s: Value,
  vReset: number | null,
  threshold: number | Value,
): Value {
  const th = typeof threshold === 'number' ? g.floats(threshold) : threshold;
  if (vReset === null) return g.op('Sub', [h, g.op('Mul', [s, th])]);
  const kept = g.op('Mul', [g.op('Sub', [g.floats(1), s]), h]);
  return vReset === 0 ? kept : g.op('Add', [kept, g.op('Mul', [s, g.floats(vReset)])]);
}

export type NeuronGraphState = Record<string, Value>;

/**
 * Unrolls a neuron over T: the current [T·N, …] split into steps, `step`
 * applied in order carrying the state (which starts as scalar constants
 * that broadcast), the spikes joined back to [T·N, …].
 */
export function unrollNeuron(
  g: GraphBuilder,
  current: Value,
  timesteps: number,
  initial: NeuronGraphState,
  step: (x: Value, state: NeuronGraphState) => { spikes: Value; state: NeuronGraphState },
): Value {
  let state = initial;
  const spikes = splitSteps(g, current, timesteps).map((x) => {
    const r = step(x, state);
    state = r.state;
    return r.spikes;
  });
  return joinSteps(g, spikes, current);
}
