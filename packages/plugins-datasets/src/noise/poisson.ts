import type { Rng } from '@spikedistill/core';

/** log(k!) for the rejection test; exact below 10, Stirling's series above. */
function logFactorial(k: number): number {
  if (k < 10) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    return Math.log(f);
  }
  const inv = 1 / (k + 1);
  const inv2 = inv * inv;
  return (
    (k + 0.5) * Math.log(k + 1) -
    (k + 1) +
    0.5 * Math.log(2 * Math.PI) +
    inv * (1 / 12 - inv2 / 360)
  );
}

/**
 * One Poisson(λ) draw: multiplication of uniforms for small λ, Hörmann's
 * transformed rejection (PTRS, 1993) for λ ≥ 10. Both are exact, so the
 * noise statistics do not depend on λ (a Gaussian approximation would).
 */
export function poisson(lambda: number, rng: Rng): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.uniform();
    while (p > limit) {
      k++;
      p *= rng.uniform();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const logLam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLam - logFactorial(k)
    ) {
      return k;
    }
  }
}
