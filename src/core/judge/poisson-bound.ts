import { lnGamma } from '../stats/special.js';

/**
 * Mixing shape of the Gamma(φ, φ) prior on the rate multiplier (Lindon & Kallus 2024). φ ≈ 1–5 per
 * STATISTICS.md; 2 puts the prior's mass on 0.3–2.5× of the null rate, where canary regressions live.
 */
export const DEFAULT_PHI = 2;

/**
 * ln of the two-sided Gamma–Poisson mixture Bayes factor against "the Poisson mean is Λ":
 * ln BF = Λ + φ ln φ − lnΓ(φ) + lnΓ(φ+N) − (φ+N) ln(φ+Λ). It is a martingale under the null for any
 * exposure path, so the set of Λ it does not reject is an anytime-valid confidence sequence.
 */
export function twoSidedPoissonLogBF(N: number, lambda: number, phi = DEFAULT_PHI): number {
  return lambda + phi * Math.log(phi) - lnGamma(phi) + lnGamma(phi + N) - (phi + N) * Math.log(phi + lambda);
}

/**
 * Upper end of the (1−α) confidence sequence for a Poisson mean after N events: the largest Λ whose
 * Bayes factor stays below 1/α. Finite even with N = 0, which lets a quiet canary pass an absolute bound.
 */
export function poissonUpperBound(N: number, alpha: number, phi = DEFAULT_PHI): number {
  const threshold = -Math.log(alpha);
  const rejects = (lambda: number) => twoSidedPoissonLogBF(N, lambda, phi) >= threshold;
  let lo = Math.max(N, 1e-9);
  let hi = Math.max(2 * lo, 1);
  while (!rejects(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1e15) return Infinity;
  }
  for (let i = 0; i < 80 && hi / lo > 1 + 1e-9; i++) {
    const mid = Math.sqrt(lo * hi);
    if (rejects(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
