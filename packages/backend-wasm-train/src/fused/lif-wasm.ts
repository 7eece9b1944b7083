import type { FusedLifAttrs } from '@spikedistill/core';
import { chargeSlopes } from './lif-math.js';
import { fusedSurrogateNames } from './surrogates.js';
import { type HeapModuleBytes, type HeapOwner, heapModule } from './heap-module.js';
import { lifWasmPlain, lifWasmShared } from './wasm/lif-wasm-binary.js';

/**
 * The fused LIF loops as WebAssembly (wasm/lif.wat) running on
 * tfjs-backend-wasm's heap, 4 neurons per SIMD lane group. Measured on
 * [4, 8, 64, 64, 16] (CPU time, shared 2-core machine): forward 2 ms (scalar
 * wasm 18 ms, JavaScript 34 ms), backward 20 ms (scalar 47 ms, JavaScript
 * 67 ms). One instance per heap (memory object); `undefined` when the
 * backend's memory cannot be found, and the JavaScript loops of lif-math.ts
 * run instead.
 */
interface LifExports {
  /** Groups of 4 neurons in SIMD lanes, then the rest with the scalar loop. */
  forward4(...args: number[]): void;
  backward4(...args: number[]): void;
  /** Scalar loops from a start neuron (used for the tail). */
  forward(...args: number[]): void;
  backward(...args: number[]): void;
}

const lifBytes: HeapModuleBytes = { plain: lifWasmPlain, shared: lifWasmShared };

export function lifWasmFor(module: HeapOwner): LifExports | undefined {
  return heapModule<LifExports>(module, lifBytes);
}

/** Pointers are byte offsets on the heap; see lifForward for the semantics. */
export function lifForwardWasm(
  lif: LifExports,
  [x, v0]: number[],
  [spikes, v, h]: number[],
  n: number,
  steps: number,
  a: FusedLifAttrs,
): void {
  const kind = a.tau === Number.POSITIVE_INFINITY ? 0 : a.decayInput ? 1 : 2;
  lif.forward4(
    x!,
    v0!,
    spikes!,
    h!,
    v!,
    n,
    steps,
    kind,
    a.vReset === null ? 1 : 0,
    a.tau,
    a.threshold,
    a.vReset ?? 0,
  );
}

/** See lifBackward. */
export function lifBackwardWasm(
  lif: LifExports,
  [dSpikes, dV, dH, h]: number[],
  [dx, dv0]: number[],
  n: number,
  steps: number,
  a: FusedLifAttrs,
): void {
  const { dHdV, dHdX } = chargeSlopes(a);
  lif.backward4(
    dSpikes!,
    dV!,
    dH!,
    h!,
    dx!,
    dv0!,
    n,
    steps,
    fusedSurrogateNames.indexOf(a.surrogate),
    a.vReset === null ? 1 : 0,
    a.detachReset ? 1 : 0,
    Math.fround(a.threshold),
    Math.fround(a.vReset ?? 0),
    a.alpha,
    dHdV,
    dHdX,
  );
}
