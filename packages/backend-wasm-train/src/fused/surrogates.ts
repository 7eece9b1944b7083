import { BadOptionsError, type FusedSurrogateName } from '@spikedistill/core';
import surrogateIds from './wasm/surrogate-ids.json' with { type: 'json' };

/**
 * Derivatives of the spike function's surrogates, as functions of
 * x = H − threshold. Each integrates to 1 over x, so α changes only the width
 * (except where noted), and each is the derivative of a smooth stand-in for the
 * Heaviside step:
 *
 *   sigmoid       α·σ(αx)·(1 − σ(αx))                 (of σ(αx); SpikingJelly Sigmoid, α = 4)
 *   atan          (α/2) / (1 + (π/2·α·x)²)            (of atan(π/2·αx)/π + 1/2; SpikingJelly ATan, α = 2)
 *   triangle      α·max(0, 1 − α·|x|)                 (SpikingJelly PiecewiseQuadratic: −α²|x| + α
 *                                                      for |x| < 1/α, else 0; peak α, support ±1/α)
 *   fast-sigmoid  1 / (1 + α·|x|)²                    (SuperSpike, Zenke & Ganguli 2018; of x/(1 + α|x|),
 *                                                      so its area is 2/α, not 1)
 *   rect          (1/α)·[|x| < α/2]                   (rectangle of width α and height 1/α)
 */
export type SurrogateGrad = (x: number) => number;

/**
 * The surrogates the fused kernel knows, in id order: a surrogate's id (what
 * the WebAssembly loops switch on) is its position here. The one table, read
 * by build-wasm.mjs too when it assembles lif.wat.
 */
export const fusedSurrogateNames = surrogateIds as readonly FusedSurrogateName[];

export function surrogateGrad(name: FusedSurrogateName, alpha: number): SurrogateGrad {
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new BadOptionsError(
      'fused LIF attrs.alpha',
      `the surrogate width α must be a finite number > 0, got ${alpha}`,
    );
  }
  switch (name) {
    case 'sigmoid':
      return (x) => {
        const s = 1 / (1 + Math.exp(-alpha * x));
        return alpha * s * (1 - s);
      };
    case 'atan': {
      const k = (Math.PI / 2) * alpha;
      return (x) => alpha / 2 / (1 + k * x * k * x);
    }
    case 'triangle':
      return (x) => Math.max(0, alpha - alpha * alpha * Math.abs(x));
    case 'fast-sigmoid':
      return (x) => {
        const d = 1 + alpha * Math.abs(x);
        return 1 / (d * d);
      };
    case 'rect':
      return (x) => (Math.abs(x) < alpha / 2 ? 1 / alpha : 0);
    default:
      throw new BadOptionsError(
        'fused LIF attrs.surrogate',
        `unknown surrogate '${String(name)}'; the fused kernel knows ${fusedSurrogateNames.join(', ')}`,
      );
  }
}
